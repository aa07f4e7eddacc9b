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
  /** Told when a pause is lifted: entities parked on it are taken up again (processor.ts). */
  onLifted: (() => void) | undefined;

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
      return;
    }
    // The topic's order decides, not the flags' times (written by projectors whose clocks may differ).
    const before = this.flags.get(flag.scope);
    this.flags.set(flag.scope, flag);
    if (before?.paused !== flag.paused)
      this.logger.info(
        { scope: flag.scope, paused: flag.paused, by: flag.by, reason: flag.reason },
        'pause flag',
      );
    if (before?.paused && !flag.paused) this.onLifted?.();
  }

  /** The pause that stops this write, if any (shared/src/operator/pause.ts pauseOf). */
  pauseOf(canonicalKey: string, side?: 'crm' | 'siagh'): PauseFlag | undefined {
    return pauseOf(this.flags, canonicalKey, side);
  }

  active(): PauseFlag[] {
    return activePauses(this.flags);
  }
}
