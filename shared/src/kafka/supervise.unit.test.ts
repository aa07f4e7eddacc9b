import { EventEmitter } from 'node:events';
import type { Consumer } from 'kafkajs';
import { createLogger } from '../logger';
import { restartWhenGivenUp } from './supervise';

// The CRASH event as kafkajs emits it (consumer.on(consumer.events.CRASH, ...)); the rest of the consumer is not used.
function crashingConsumer() {
  const emitter = new EventEmitter();
  const consumer = {
    events: { CRASH: 'consumer.crash' },
    on: (event: string, listener: (e: unknown) => void) => emitter.on(event, listener),
    disconnect: () => Promise.resolve(),
  } as unknown as Consumer;
  const crash = (restart: boolean) =>
    emitter.emit('consumer.crash', {
      payload: { error: new Error('Failed to find group coordinator'), restart },
    });
  return { consumer, crash };
}

const logger = createLogger({ service: 'supervise-test', level: 'silent' });
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('restartWhenGivenUp', () => {
  it('starts a new consumer when kafkajs gives up, retrying until one starts', async () => {
    const { consumer, crash } = crashingConsumer();
    let calls = 0;
    restartWhenGivenUp(consumer, {
      logger,
      name: 'router',
      stopped: () => false,
      delayMs: 5,
      restart: () => (++calls < 3 ? Promise.reject(new Error('broker still away')) : Promise.resolve()),
    });
    crash(false);
    await settle(100);
    expect(calls).toBe(3);
  });

  it('leaves a crash kafkajs restarts itself, and does nothing once the owner stops', async () => {
    const { consumer, crash } = crashingConsumer();
    let stopped = false;
    let calls = 0;
    restartWhenGivenUp(consumer, {
      logger,
      name: 'processor',
      stopped: () => stopped,
      delayMs: 5,
      restart: () => {
        calls++;
        return Promise.resolve();
      },
    });
    crash(true);
    await settle(30);
    expect(calls).toBe(0);
    crash(false);
    stopped = true;
    await settle(30);
    expect(calls).toBe(0);
  });
});
