import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from './logger';
import { SyncError } from './errors';

/**
 * kafkajs's own errors that it marks retriable (or leaves unmarked, like a refused connection): a broker
 * restarting, a coordinator loading or moving. Anything else is a real problem.
 */
export function isPassingKafkaError(err: unknown): boolean {
  if (!(err instanceof Error) || !err.name.startsWith('KafkaJS')) return false;
  return (err as { retriable?: unknown }).retriable !== false;
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
