import { createLogger } from './logger';
import { transient } from './errors';
import { closingOnFailure, isPassingInfraError, startAll, startWaitingForInfra } from './startup';

const quiet = createLogger({ service: 'test', level: 'silent' });
const kafkaError = (name: string, retriable?: boolean) =>
  Object.assign(new Error('x'), { name, ...(retriable === undefined ? {} : { retriable }) });

describe('start-up that waits for Kafka and the registry', () => {
  it('knows a restarting broker or registry from a real problem', () => {
    expect(isPassingInfraError(kafkaError('KafkaJSConnectionClosedError', true))).toBe(true);
    expect(isPassingInfraError(kafkaError('KafkaJSConnectionError'))).toBe(true);
    expect(isPassingInfraError(transient('SCHEMA_REGISTRY_UNAVAILABLE', 'down'))).toBe(true);
    expect(isPassingInfraError(kafkaError('KafkaJSProtocolError', false))).toBe(false);
    // Coordinators still loading after a broker restart: non-retriable to kafkajs, passing here (seed 2054).
    expect(isPassingInfraError(kafkaError('KafkaJSGroupCoordinatorNotFound', false))).toBe(true);
    // Retries run out on a refused connection: non-retriable on the outside, passing inside (seed 2045).
    const exhausted = Object.assign(kafkaError('KafkaJSNumberOfRetriesExceeded', false), {
      cause: kafkaError('KafkaJSConnectionError', true),
    });
    expect(isPassingInfraError(exhausted)).toBe(true);
    const wrapped = Object.assign(kafkaError('KafkaJSNonRetriableError', false), {
      cause: kafkaError('KafkaJSConnectionError', true),
    });
    expect(isPassingInfraError(wrapped)).toBe(true);
    const fatal = Object.assign(kafkaError('KafkaJSNonRetriableError', false), {
      cause: kafkaError('KafkaJSProtocolError', false),
    });
    expect(isPassingInfraError(fatal)).toBe(false);
    expect(isPassingInfraError(new Error('bad YAML in config/sync.yaml'))).toBe(false);
  });

  it('retries a start that failed on a passing error, and returns what the start returned', async () => {
    let calls = 0;
    const started = await startWaitingForInfra(
      () =>
        ++calls < 3
          ? Promise.reject(kafkaError('KafkaJSConnectionClosedError', true))
          : Promise.resolve('up'),
      quiet,
      { maxDelayMs: 1 },
    );
    expect(started).toBe('up');
    expect(calls).toBe(3);
  });

  it('gives up at once on any other error, and after the deadline on passing ones', async () => {
    await expect(startWaitingForInfra(() => Promise.reject(new Error('bad config')), quiet)).rejects.toThrow(
      'bad config',
    );
    let calls = 0;
    await expect(
      startWaitingForInfra(() => (calls++, Promise.reject(kafkaError('KafkaJSConnectionError'))), quiet, {
        deadlineMs: 0,
        maxDelayMs: 1,
      }),
    ).rejects.toThrow();
    expect(calls).toBe(1);
  });
});

describe('closingOnFailure', () => {
  it('closes what a failed start opened, last first, and rethrows', async () => {
    const closed: string[] = [];
    await expect(
      closingOnFailure((opened) => {
        opened(() => Promise.resolve(closed.push('mongo')));
        opened(() => Promise.resolve(closed.push('producer')));
        return Promise.reject(new Error('registry down'));
      }),
    ).rejects.toThrow('registry down');
    expect(closed).toEqual(['producer', 'mongo']);
  });

  it('closes nothing when the start succeeds', async () => {
    const closed: string[] = [];
    const v = await closingOnFailure((opened) => {
      opened(() => Promise.resolve(closed.push('producer')));
      return Promise.resolve(42);
    });
    expect(v).toBe(42);
    expect(closed).toEqual([]);
  });
});

describe('startAll', () => {
  it('fails only once every start has ended, so closers never stop a part that is still starting', async () => {
    const order: string[] = [];
    let finishSlow!: () => void;
    const slow = new Promise<void>((resolve) => (finishSlow = resolve)).then(
      () => void order.push('slow started'),
    );
    const failing = Promise.reject(new Error('broker reset'));
    const started = closingOnFailure(async (opened) => {
      opened(() => Promise.resolve(void order.push('closed')));
      await startAll([slow, failing]);
    });
    setTimeout(finishSlow, 20);
    await expect(started).rejects.toThrow('broker reset');
    expect(order).toEqual(['slow started', 'closed']);
  });

  it('resolves when every start succeeds', async () => {
    await expect(startAll([Promise.resolve(1), Promise.resolve(2)])).resolves.toBeUndefined();
  });
});
