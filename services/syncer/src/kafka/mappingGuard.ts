import type { KafkaMessage } from '@siaghsync/shared/kafka/client';
import type { Logger } from '@siaghsync/shared/logger';
import { MAPPING_CHECK, type PauseFlag } from '@siaghsync/shared/operator/pause';
import {
  decodeMappingNotice,
  mappingKey,
  readingDifferences,
  type MappingNotice,
  type MappingReading,
} from '@siaghsync/shared/mapping/reading';

/**
 * The poller's announced reading of the mapping against this syncer's (shared/src/mapping/reading.ts).
 * While they differ every write is held, as under an operator's pause of everything: events are still
 * consumed and wait in order, nothing is lost, and the writes resume by themselves once the two agree
 * (either one restarted with the other's mapping). Holding rather than refusing to start leaves no order
 * in which a rolling change of the mapping deadlocks, and covers a change made while both run.
 */
export class MappingGuard {
  private notice: MappingNotice | null = null;
  /** Told when the readings agree again: entities held on it are taken up (processor.ts). */
  onAgreed: (() => void) | undefined;

  constructor(
    private readonly mine: MappingReading,
    private readonly logger: Logger,
  ) {}

  apply(message: KafkaMessage): void {
    const n = decodeMappingNotice(message.value);
    if (!n || message.key?.toString() !== mappingKey(n.service)) {
      this.logger.warn(
        { key: message.key?.toString(), offset: message.offset },
        'control record ignored: not a mapping notice for its own key',
      );
      return;
    }
    if (this.notice && n.at < this.notice.at) return;
    const held = this.differences().length > 0;
    this.notice = n;
    const differences = this.differences();
    if (differences.length > 0)
      this.logger.error(
        { poller: n.instance, source: n.source, differences },
        'the poller reads the mapping differently from this syncer: writes held until they agree',
      );
    else if (held) {
      this.logger.info({ poller: n.instance }, 'the poller and this syncer read the mapping alike again');
      this.onAgreed?.();
    }
  }

  differences(): string[] {
    return this.notice ? readingDifferences(this.mine, this.notice.reading) : [];
  }

  /** While the readings differ: a pause of every write, shown and honoured as an operator's is. */
  pause(): PauseFlag | undefined {
    const d = this.differences();
    if (d.length === 0 || !this.notice) return undefined;
    const reason =
      `the poller (${this.notice.instance}, ${this.notice.source ?? 'the default mapping file'}) reads ` +
      `the mapping differently from this syncer: ${d.join('; ')}. Restart one of them with the other's mapping.`;
    return {
      scope: 'all',
      paused: true,
      reason: reason.length > 500 ? `${reason.slice(0, 497)}...` : reason,
      by: MAPPING_CHECK,
      at: this.notice.at,
    };
  }
}
