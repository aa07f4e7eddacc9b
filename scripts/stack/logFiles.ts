import fs from 'node:fs';

// The stack's processes append to one log file each, for as long as the stack is used: a developer's
// broker log reached 559 MB, and reading it whole to quote its end failed (a string that long cannot be
// made), hiding the error it was meant to explain.

const TAIL_BYTES = 64 * 1024;
/** A log this large is moved aside (to `<name>.1`, replacing the previous one) before a start appends. */
export const ROTATE_BYTES = 64 * 1024 * 1024;

/** The last `lines` lines of a file, reading at most its last 64 KiB; '' when there is no file. */
export function tailOf(file: string, lines: number): string {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return '';
  }
  try {
    const size = fs.fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(length);
    fs.readSync(fd, buf, 0, length, size - length);
    const text = buf.toString('utf8').split('\n');
    // The first line may be cut: dropped unless the whole file was read.
    return (length < size ? text.slice(1) : text).slice(-lines).join('\n');
  } finally {
    fs.closeSync(fd);
  }
}

/** Moves a log past ROTATE_BYTES aside; returns whether it did. */
export function rotateIfLarge(file: string, limit = ROTATE_BYTES): boolean {
  try {
    if (fs.statSync(file).size < limit) return false;
  } catch {
    return false;
  }
  fs.renameSync(file, `${file}.1`);
  return true;
}
