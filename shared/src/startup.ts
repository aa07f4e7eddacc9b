import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from './logger';
import { SyncError } from './errors';

/**
 * kafkajs's own errors that it marks retriable (or leaves unmarked, like a refused connection): a broker
 * restarting, a coordinator loading or moving. Its retries running out on such an error come wrapped as a
 * non-retriable KafkaJSNumberOfRetriesExceeded whose cause is the passing one; kafkajs itself restarts a
 * consumer on it, and so does a start-up (a service started during a broker outage waits, not exits).
 * "No group coordinator" is non-retriable to kafkajs but passes too: the broker is back but cannot yet
 * name the coordinator, which can take tens of seconds after an outage. Anything else is a real problem.
 */
export function isPassingKafkaError(err: unknown): boolean {
  if (!(err instanceof Error) || !err.name.startsWith('KafkaJS')) return false;
  if ((err as { retriable?: unknown }).retriable !== false) return true;
  if (err.name === 'KafkaJSGroupCoordinatorNotFound') return true;
  return err.name === 'KafkaJSNumberOfRetriesExceeded' || isPassingKafkaError(err.cause);
}

/** What a service start-up waits out instead of exiting: Kafka or the schema registry coming back. */
export function isPassingInfraError(err: unknown): boolean {
  if (isPassingKafkaError(err)) return true;
  return err instanceof SyncError && err.code === 'SCHEMA_REGISTRY_UNAVAILABLE';
}

/**
 * Runs a service's start-up until it succeeds, waiting out Kafka or the registry restarting (a broker
 * restart, or the whole stack starting at once), up to `deadlineMs`; any other error, or the deadline,
 * ends it with that error. `start` must release what it opened when it fails.
 */
export async function startWaitingForInfra<T>(
  start: () => Promise<T>,
  logger: Logger,
  opts: { deadlineMs?: number; maxDelayMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.deadlineMs ?? 300_000);
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (!isPassingInfraError(err) || Date.now() >= deadline) throw err;
      const delayMs = Math.min(opts.maxDelayMs ?? 10_000, 500 * 2 ** attempt);
      logger.warn({ err, attempt, delayMs }, 'start-up waits for Kafka / the schema registry; retrying');
      await sleep(delayMs);
    }
  }
}

/**
 * Runs a start-up that registers a closer for each client it opens; if a later step fails, closes them
 * (last first) before rethrowing, so a retried start does not leave a second set of clients running.
 */
export async function closingOnFailure<T>(
  start: (opened: (close: () => Promise<unknown>) => void) => Promise<T>,
): Promise<T> {
  const closers: (() => Promise<unknown>)[] = [];
  try {
    return await start((close) => closers.push(close));
  } catch (err) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw err;
  }
}

/**
 * Starts parts side by side and fails only once every start has ended. With Promise.all a failed start
 * let closingOnFailure stop the others while they were still starting; a consumer that connected after
 * its stop then kept running on a producer the closers had disconnected, holding its partitions with
 * every restore failing ("The producer is disconnected"): the syncer stood still after a broker failure
 * during its start (three-broker convergence run, work lag 218 for 180 s).
 */
export async function startAll(starts: readonly Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(starts);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
