import type { KafkaMessage } from '@siaghsync/shared/kafka/client';
import type { Logger } from '@siaghsync/shared/logger';
import {
  activePauses,
  decodePauseFlag,
  PAUSE_SIGNATURE_HEADER,
  pauseOf,
  verifyPauseFlag,
  type PauseFlag,
} from '@siaghsync/shared/operator/pause';

/**
 * The operator's pause flags, read whole from the compacted `control` topic by every syncer (a table
 * like the links). A record that is not a signed flag for its own key changes nothing: write access to
 * the topic alone cannot pause or resume the writes.
 */
export class PauseTable {
  private readonly flags = new Map<string, PauseFlag>();
  /** The record each flag came in, as written (value and signature), to put back over a forged one. */
  private readonly records = new Map<string, KafkaMessage>();
  /** Told when a pause is lifted: entities parked on it are taken up again (processor.ts). */
  onLifted: (() => void) | undefined;
  /**
   * Told of a record that is not a valid flag under the key of a flag we hold (a forgery, a tombstone):
   * compaction would keep it and drop the real flag, so the real one is written again after it.
   */
  onForged: ((scope: string, original: KafkaMessage) => void) | undefined;

  constructor(
    private readonly operatorEventKey: string | undefined,
    private readonly logger: Logger,
  ) {}

  apply(message: KafkaMessage): void {
    const key = message.key?.toString();
    const flag = decodePauseFlag(message.value);
    const header = message.headers?.[PAUSE_SIGNATURE_HEADER];
    const verdict = flag ? verifyPauseFlag(flag, header, this.operatorEventKey) : 'invalid';
    if (!flag || flag.scope !== key || verdict !== 'valid') {
      this.logger.warn(
        { key, offset: message.offset, verdict, decoded: flag !== null },
        'control record ignored: not a pause flag signed with OPERATOR_EVENT_KEY for its own key',
      );
      const original = key === undefined ? undefined : this.records.get(key);
      if (original) this.onForged?.(key!, original);
      return;
    }
    const before = this.flags.get(flag.scope);
    // Only a newer flag counts: an old signed record written again (a replay) changes nothing.
    if (before && flag.at <= before.at) return;
    this.flags.set(flag.scope, flag);
    this.records.set(flag.scope, message);
    if (before?.paused !== flag.paused)
      this.logger.info(
        { scope: flag.scope, paused: flag.paused, by: flag.by, reason: flag.reason },
        'pause flag',
      );
    if (before?.paused && !flag.paused) this.onLifted?.();
  }

  /** The pause that stops this write, if any (shared/src/operator/pause.ts pauseOf). */
  pauseOf(customerKeys: readonly string[], side?: 'crm' | 'siagh'): PauseFlag | undefined {
    return pauseOf(this.flags, customerKeys, side);
  }

  active(): PauseFlag[] {
    return activePauses(this.flags);
  }
}
