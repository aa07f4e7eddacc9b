import type { Kafka, Message, Producer, RecordMetadata, RetryOptions } from 'kafkajs';
import { transient } from '../errors';

/**
 * The idempotent producer (acks=all, broker-side dedup of retries). One in-flight request per
 * connection: with more, kafkajs can reorder a retried batch behind a later one.
 */
export function createIdempotentProducer(kafka: Kafka, retry?: RetryOptions): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    ...(retry && { retry }),
  });
}

/** A transactional producer for consume-transform-produce; the id must be stable per input partition set. */
export function createTransactionalProducer(kafka: Kafka, transactionalId: string): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    transactionalId,
    transactionTimeout: 60_000,
    allowAutoTopicCreation: false,
    // Back-to-back transactions meet CONCURRENT_TRANSACTIONS while the broker writes the previous one's
    // markers, which takes milliseconds: retrying after the client default of 200+ ms put that much on
    // the latency tail of every busy commit (the Java client retries this after 20 ms for the same reason).
    retry: { initialRetryTime: 20, retries: 12, maxRetryTime: 2_000 },
  });
}

/**
 * Connects a transactional producer and fences its predecessor at once. kafkajs's connect() asks only
 * for an idempotent producer id; the transactional InitProducerId, which bumps the epoch and aborts what
 * a crashed predecessor left open, waits for the first transaction. Until then that open transaction
 * holds back every read_committed reader of its partitions (the last stable offset) until the broker's
 * transaction timeout: after a kill -9 the syncer's own state restore, the router's table catch-up and
 * the projector waited a minute or more behind it. An empty transaction sends nothing but that request.
 */
export async function connectTransactional(producer: Producer): Promise<void> {
  await producer.connect();
  const fence = await producer.transaction();
  await fence.abort();
}

/**
 * Sends with a deadline: a caller that must answer an HTTP request cannot wait for kafkajs's own
 * retries to run out. Rejects with a transient error on timeout; the send may still complete later,
 * which is fine for an at-least-once sender whose events carry deterministic ids.
 */
export async function sendWithin(
  producer: Producer,
  topic: string,
  messages: Message[],
  timeoutMs: number,
): Promise<RecordMetadata[]> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(transient('KAFKA_PRODUCE_TIMEOUT', `Kafka did not acknowledge within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([producer.send({ topic, messages, acks: -1 }), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
