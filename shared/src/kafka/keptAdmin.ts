import type { Admin, Kafka } from 'kafkajs';

/**
 * One admin connection kept for the probes a service repeats (readiness, lag samples), instead of a new
 * one per probe. Each new kafkajs admin connects with a metadata request for every topic of the cluster
 * (kafkajs encodes "no topics" as "all"), plus the handshake (and SASL/TLS when configured): on the
 * local stack, whose broker keeps every test run's topics (7,000 partitions), metadata was 24% of the
 * broker's CPU during an import, and a company's shared cluster pays the same for each probe.
 * A failed call drops the connection; the next call opens a new one.
 */
export class KeptAdmin {
  private admin: Promise<Admin> | undefined;

  constructor(private readonly kafka: Kafka) {}

  async use<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
    const opening = (this.admin ??= this.open());
    const admin = await opening;
    try {
      return await fn(admin);
    } catch (err) {
      this.drop(opening);
      throw err;
    }
  }

  async close(): Promise<void> {
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
      this.admin = undefined;
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
