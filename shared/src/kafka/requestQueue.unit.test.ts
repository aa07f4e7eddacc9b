import { createRequire } from 'node:module';

// patches/kafkajs+*.patch, applied by npm's postinstall: without it every broker connection re-arms
// a timer each millisecond forever once its first request completes (CPU on a 2-core host, and a
// TimeoutNegativeWarning on stderr from Node 24). kafkajs does not export the class, so it is
// reached by its path, as the patch does.
const require = createRequire(import.meta.url);
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as new (o: object) => {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  scheduleCheckPendingRequests(): void;
  maybeThrottle(ms: number): void;
  destroy(): void;
};

const silent = { debug() {}, info() {}, warn() {}, error() {}, namespace: () => silent };

function queue() {
  return new RequestQueue({
    instrumentationEmitter: { emit() {} },
    maxInFlightRequests: null,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: '127.0.0.1:9092',
    logger: silent,
    isConnected: () => true,
  });
}

describe('kafkajs request queue (patched)', () => {
  it('arms no timer when nothing is pending and no throttle is due', () => {
    const q = queue();
    q.scheduleCheckPendingRequests();
    expect(q.throttleCheckTimeoutId).toBeNull();
    q.destroy();
  });

  it('still checks again when the broker throttles, or when a request waits', () => {
    const throttled = queue();
    throttled.maybeThrottle(50);
    throttled.scheduleCheckPendingRequests();
    expect(throttled.throttleCheckTimeoutId).not.toBeNull();
    throttled.destroy();

    const waiting = queue();
    waiting.pending.push({});
    waiting.scheduleCheckPendingRequests();
    expect(waiting.throttleCheckTimeoutId).not.toBeNull();
    waiting.destroy();
  });
});
