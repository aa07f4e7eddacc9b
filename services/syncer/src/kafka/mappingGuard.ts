import type { KafkaMessage } from '@siaghsync/shared/kafka/client';
import { ConfigError } from '@siaghsync/shared/config';
import type { Logger } from '@siaghsync/shared/logger';
import { MAPPING_CHECK, type PauseFlag } from '@siaghsync/shared/operator/pause';
import {
  decodeMappingNotice,
  MAPPING_SIGNATURE_HEADER,
  mappingKey,
  readingDifferences,
  verifyMappingNotice,
  type MappingNotice,
  type MappingReading,
} from '@siaghsync/shared/mapping/reading';

/**
 * The poller's announced reading of the mapping against this syncer's (shared/src/mapping/reading.ts).
 * At start-up the syncer waits a while for the two to agree (both restarted with a new file at once: the
 * poller announces within seconds), then refuses to start, naming each field (`awaitAgreement`). The
 * poller never waits for the syncer, so no restart order deadlocks. While both run and they differ (one
 * restarted with another file), every write is held, as under an operator's pause of everything: events
 * are still consumed and wait in order, and the writes resume by themselves once the two agree.
 */
export class MappingGuard {
  private notice: MappingNotice | null = null;
  /** Told when the readings agree again: entities held on it are taken up (processor.ts). */
  onAgreed: (() => void) | undefined;

  constructor(
    private readonly mine: MappingReading,
    /** Notices are honoured only when signed with it (none without it: the check is off). */
    private readonly operatorEventKey: string | undefined,
    private readonly logger: Logger,
  ) {}

  apply(message: KafkaMessage): void {
    const n = decodeMappingNotice(message.value);
    const verdict = n
      ? verifyMappingNotice(n, message.headers?.[MAPPING_SIGNATURE_HEADER], this.operatorEventKey)
      : 'invalid';
    if (!n || message.key?.toString() !== mappingKey(n.service) || verdict !== 'valid') {
      this.logger.warn(
        { key: message.key?.toString(), offset: message.offset, verdict },
        'control record ignored: not a mapping notice signed with OPERATOR_EVENT_KEY for its own key',
      );
      return;
    }
    // The latest by offset wins (one key, one partition): a poller's clock says nothing about order.
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

  /**
   * Resolves once the readings agree (or no poller has announced one); after `waitMs` of disagreement,
   * a configuration error (exit 78) that names each field and the poller's file.
   */
  async awaitAgreement(waitMs: number, pollMs = 500): Promise<void> {
    const deadline = Date.now() + waitMs;
    let told = false;
    while (this.differences().length > 0) {
      if (Date.now() >= deadline)
        throw new ConfigError('syncer', [{ variable: 'SYNC_CONFIG_PATH', problem: this.pause()!.reason! }]);
      if (!told)
        this.logger.warn({ waitMs }, 'waiting for the poller to read the mapping as this syncer does');
      told = true;
      await new Promise((r) => setTimeout(r, pollMs));
    }
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
