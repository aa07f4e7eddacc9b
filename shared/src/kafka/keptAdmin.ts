import type { Admin, Kafka } from 'kafkajs';

/**
 * One admin connection kept for the probes a service repeats (readiness, lag samples), instead of a new
 * one per probe. Each new kafkajs admin connects with a metadata request for every topic of the cluster
 * (kafkajs encodes "no topics" as "all"), plus the handshake (and SASL/TLS when configured), which a
 * company's shared cluster pays for at every probe.
 * A failed call drops the connection (a call sharing it at that moment fails too: probes are repeated,
 * not retried); the next call opens a new one. After close(), calls are refused.
 */
export class KeptAdmin {
  private admin: Promise<Admin> | undefined;
  private closed = false;

  constructor(private readonly kafka: Kafka) {}

  async use<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('admin connection closed');
    const opening = (this.admin ??= this.open());
    try {
      return await fn(await opening);
    } catch (err) {
      this.drop(opening);
      throw err;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const opening = this.admin;
    this.admin = undefined;
    const admin = await opening?.catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
  }

  private async open(): Promise<Admin> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      return admin;
    } catch (err) {
      await admin.disconnect().catch(() => undefined);
      throw err;
    }
  }

  /** Forgets a connection that failed, unless a newer one already replaced it. */
  private drop(opening: Promise<Admin>): void {
    if (this.admin !== opening) return;
    this.admin = undefined;
    void opening.then((a) => a.disconnect()).catch(() => undefined);
  }
}
