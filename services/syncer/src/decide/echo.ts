import type { SideState } from './state';

/**
 * Our own write coming back: the record's side checksum equals what we last wrote there. No time
 * window is involved, so a real edit made one second after a sync has another checksum and is synced.
 */
export function isEcho(side: SideState, fetchedChecksum: string): boolean {
  return side.written !== null && side.written === fetchedChecksum;
}
