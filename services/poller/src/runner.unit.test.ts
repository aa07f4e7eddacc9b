import { KafkaJSNonRetriableError } from 'kafkajs';
import { isStuckTransaction, nextDelay } from './runner';

describe('a sweep failure that needs a new producer', () => {
  it('is the wedged state machine kafkajs reports after a broker restart (seed 2003)', () => {
    const wedged = new KafkaJSNonRetriableError(
      'Transaction state exception: Cannot call "beginTransaction" in state "ABORTING"',
    );
    expect(isStuckTransaction(wedged)).toBe(true);
    expect(isStuckTransaction(new Error('transaction did not complete within 30000 ms'))).toBe(true);
  });

  it('is not a failed call, an unreachable broker or a fence (a fenced poller stops instead)', () => {
    expect(isStuckTransaction(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'))).toBe(
      false,
    );
    expect(isStuckTransaction(new Error('SIAGH server error on /api/Sgh/GEN/Gn_Web_Users/GetAll'))).toBe(
      false,
    );
    expect(isStuckTransaction(new Error('The producer has been fenced'))).toBe(false);
  });
});

describe('the delay before the next sweep', () => {
  const timing = { intervalMs: 1000, backoffMaxMs: 30_000, jitter: 0 };
  it('is the interval after a success and doubles per failure up to the cap', () => {
    expect(nextDelay(timing, 0)).toBe(1000);
    expect(nextDelay(timing, 1)).toBe(2000);
    expect(nextDelay(timing, 3)).toBe(8000);
    expect(nextDelay(timing, 10)).toBe(30_000);
  });
});
