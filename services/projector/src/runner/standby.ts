import type { Logger } from '@siaghsync/shared/logger';
import { isPassingKafkaError } from '@siaghsync/shared/startup';
import type { Lease } from '../store/lease';

export interface ActiveHooks {
  /** Starts writing the views (runners, rebuild); called once the lease is ours. */
  activate(): Promise<void>;
  /** Stops writing; called when the lease is lost or on stop. */
  deactivate(): Promise<void>;
}

/**
 * Active/standby around the lease: the instance that holds it writes the views, any other waits and
 * takes over when the lease is released (a graceful stop) or expires (a crash). Renewal and takeover
 * attempts run every third of the lease; a writer that cannot renew in time stops writing.
 */
export class ActiveStandby {
  private isActive = false;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(
    private readonly lease: Lease,
    private readonly hooks: ActiveHooks,
    private readonly logger: Logger,
  ) {}

  get active(): boolean {
    return this.isActive;
  }

  /** Activates at once if the lease is free (errors of that first activation are thrown), else stands by. */
  async start(): Promise<void> {
    if (await this.lease.acquire()) await this.becomeActive(true);
    else
      this.logger.info(
        { owner: this.lease.owner },
        'another projector instance writes the views; standing by',
      );
    this.timer = setInterval(() => void this.tick(), Math.max(200, Math.floor(this.lease.ttlMs / 3)));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    // Runners write their last window while the lease is still ours; then it is handed on at once.
    if (this.isActive) await this.stepDown();
    await this.lease.release();
  }

  private async becomeActive(rethrow: boolean): Promise<void> {
    this.isActive = true;
    this.logger.info({ owner: this.lease.owner }, 'projector lease taken: this instance writes the views');
    try {
      await this.hooks.activate();
    } catch (err) {
      this.logger.error({ err }, 'projector activation failed; standing by');
      await this.stepDown();
      await this.lease.release();
      // A broker that is restarting (coordinator loading or moved) is not a reason to exit: the next
      // tick takes the lease again and retries. Anything else at start-up is, with its message.
      if (rethrow && !isPassingKafkaError(err)) throw err;
    }
  }

  private async stepDown(): Promise<void> {
    this.isActive = false;
    await this.hooks
      .deactivate()
      .catch((err: unknown) => this.logger.error({ err }, 'projector deactivation failed'));
  }

  private async tick(): Promise<void> {
    if (this.busy || !this.timer) return;
    this.busy = true;
    try {
      if (this.isActive) {
        if (await this.lease.renew()) return;
        this.logger.error(
          { owner: this.lease.owner },
          'projector lease lost: this instance stops writing the views',
        );
        await this.stepDown();
      } else if (await this.lease.acquire().catch(() => false)) {
        await this.becomeActive(false);
      }
    } finally {
      this.busy = false;
    }
  }
}
