import { Kafka, logLevel } from 'kafkajs';
import { createLogger } from '../logger';
import { requireEnv, uniqueName } from '../../../test/harness/names';
import { readTopicToEnd } from '../../../test/harness/readTopic';
import { TransactionalSender } from './transactionalSender';

jest.setTimeout(60_000);

// A commit's guard (a syncer member that may have lost its partitions: syncer/kafka/ownership.ts) is asked
// before the transaction and right before it commits; a refusal leaves that caller's records out while
// the others sharing the transaction commit.

describe('TransactionalSender guards (real broker)', () => {
  it('a refusal before or at the commit leaves only that caller out', async () => {
    const k = new Kafka({
      clientId: 'sender-test',
      brokers: requireEnv('KAFKA_BROKERS').split(','),
      logLevel: logLevel.NOTHING,
    });
    const topic = uniqueName('guarded');
    const admin = k.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic }] });
    await admin.disconnect();
    const sender = new TransactionalSender(
      k,
      uniqueName('tx'),
      createLogger({ service: 'test', level: 'silent' }),
    );
    await sender.connect();
    const msg = (v: string) => [{ topic, messages: [{ key: v, value: v }] }];
    const refusal = new Error('no longer the owner');
    try {
      // Refused before the transaction: rejected with the guard's own error; the other commits.
      const out = sender.commit(msg('refused-first'), undefined, () => Promise.reject(refusal));
      const ok = sender.commit(msg('kept-1'), undefined, () => Promise.resolve());
      await expect(out).rejects.toBe(refusal);
      await ok;
      // Let through once, refused right before the commit: that transaction is aborted, the next one
      // commits the other caller's records alone.
      let asked = 0;
      const late = sender.commit(msg('refused-late'), undefined, () =>
        ++asked >= 2 ? Promise.reject(refusal) : Promise.resolve(),
      );
      const ok2 = sender.commit(msg('kept-2'), undefined);
      await expect(late).rejects.toBe(refusal);
      await ok2;
      expect(asked).toBeGreaterThanOrEqual(2);
      const seen: string[] = [];
      await readTopicToEnd(k, topic, (m) => void seen.push(m.value!.toString()));
      expect(seen).toEqual(['kept-1', 'kept-2']);
    } finally {
      await sender.disconnect();
    }
  });
});
