import type { Db } from 'mongodb';
import { createKafka } from '@siaghsync/shared/kafka/index';
import { EventCodec } from '@siaghsync/shared/registry';
import { readAlias } from '../store/collections';
import { viewHash } from '../store/hash';
import { Lease, LeaseLost } from '../store/lease';
import { outcome, T0 } from '../testing/fixtures';
import { eventually, openDb, openWriter, quietLogger, testConfig } from '../testing/harness';
import type { ProjectorConfig } from '../config';
import { Projector } from './projector';

jest.setTimeout(120_000);

function makeProjector(cfg: ProjectorConfig, db: Db, groupId = cfg.PROJECTOR_GROUP_ID): Projector {
  const logger = quietLogger();
  return new Projector({
    kafka: createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'projector-standby-test', logger }),
    codec: new EventCodec(cfg.SCHEMA_REGISTRY_URL),
    db,
    logger,
    topicPrefix: cfg.TOPIC_PREFIX,
    groupId,
    leaseMs: 3000,
  });
}

describe('one writer per database (lease in projector_meta)', () => {
  it('a second lease waits for the first to expire or be released; an expired holder cannot write', async () => {
    const cfg = testConfig('lease');
    const { db, close } = await openDb(cfg);
    const a = new Lease(db, 3000, quietLogger());
    const b = new Lease(db, 3000, quietLogger());
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    expect(() => b.assertHeld()).toThrow(LeaseLost);
    expect(await a.renew()).toBe(true);
    // a stops renewing (frozen, or cut off from the database): locally it stops writing before b can take over.
    await eventually(
      () => Promise.resolve(a.held()),
      (h) => !h,
      5000,
    );
    expect(() => a.assertHeld()).toThrow(LeaseLost);
    await eventually(
      () => b.acquire(),
      (ok) => ok,
      5000,
    );
    expect(await a.renew()).toBe(false);
    await b.release();
    expect(await a.acquire()).toBe(true);
    await db.dropDatabase();
    await close();
  });

  it('two projector instances on one database: one writes, the other stands by and takes over on stop', async () => {
    const cfg = testConfig('standby');
    const writer = await openWriter(cfg);
    const batch = (from: number, n: number) =>
      Array.from({ length: n }, (_, k) =>
        outcome({
          outcomeId: `s-${from + k}`,
          canonicalKey: `customer:${(from + k) % 7}`,
          occurredAt: T0 + from + k,
        }),
      );
    await writer.outcomes(batch(0, 50));
    const { db, close } = await openDb(cfg);
    const first = makeProjector(cfg, db);
    const second = makeProjector(cfg, db);
    await first.start();
    await second.start();
    expect(first.active).toBe(true);
    expect(second.active).toBe(false);
    await expect(second.rebuild()).rejects.toThrow(LeaseLost);
    await eventually(
      () => readAlias(db),
      (a) => a?.version === 1,
      60_000,
    );
    expect(second.liveVersion).toBeNull();

    await first.stop();
    await eventually(
      () => Promise.resolve(second.active && second.liveVersion === 1),
      (ok) => ok,
      20_000,
    );
    await writer.outcomes(batch(50, 30));
    await eventually(
      async () => (await viewHash(db, 1)).views.sync_audit.count,
      (n) => n === 80,
      30_000,
    );
    await second.stop();
    await writer.close();

    // The hand-over lost and doubled nothing: the same as one clean build.
    const clean = { ...cfg, PROJECTOR_DB: `${cfg.PROJECTOR_DB!}_clean` };
    const other = await openDb(clean);
    const solo = makeProjector(clean, other.db, `${cfg.PROJECTOR_GROUP_ID}-clean`);
    await solo.start();
    await eventually(
      () => readAlias(other.db),
      (a) => a?.version === 1,
      60_000,
    );
    await eventually(
      async () => (await viewHash(other.db, 1)).views.sync_audit.count,
      (n) => n === 80,
      30_000,
    );
    await solo.stop();
    expect((await viewHash(db, 1)).total).toBe((await viewHash(other.db, 1)).total);
    await db.dropDatabase();
    await other.db.dropDatabase();
    await other.close();
    await close();
  });
});
