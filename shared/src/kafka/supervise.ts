import type { Consumer } from 'kafkajs';
import type { Logger } from '../logger';

export interface GiveUpOptions {
  logger: Logger;
  /** Names the consumer in logs (its role, e.g. "router"). */
  name: string;
  /** True once the owner is stopping: no restart then. */
  stopped: () => boolean;
  /** Puts a new consumer in place of the one kafkajs gave up on (already disconnected). */
  restart: () => Promise<void>;
  delayMs?: number;
}

/**
 * kafkajs restarts a crashed consumer only after a retriable error. After any other, such as "Failed to
 * find group coordinator" once a broker outage outlasts the client's retries, nothing is consumed again
 * while the process lives on.
 * This starts a new consumer instead, retrying until it runs or the owner stops.
 */
export function restartWhenGivenUp(consumer: Consumer, o: GiveUpOptions): void {
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    o.logger.error(
      { err: payload.error, consumer: o.name, restart: payload.restart },
      payload.restart ? 'consumer crashed; kafkajs restarts it' : 'consumer crashed; starting a new one',
    );
    if (payload.restart || o.stopped()) return;
    void (async () => {
      await consumer.disconnect().catch(() => undefined);
      await retryUntilStarted(o);
    })();
  });
}

/**
 * Calls `restart` after `delayMs` until it resolves or the owner stops, logging each failure. `restart`
 * must release what a failed attempt opened.
 */
export async function retryUntilStarted(o: GiveUpOptions): Promise<void> {
  while (!o.stopped()) {
    await new Promise((r) => setTimeout(r, o.delayMs ?? 1000));
    if (o.stopped()) return;
    try {
      await o.restart();
      return;
    } catch (err) {
      o.logger.error({ err, consumer: o.name }, 'starting a new consumer failed; retrying');
    }
  }
}
