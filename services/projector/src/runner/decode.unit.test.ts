import type { EventCodec } from '@siaghsync/shared/registry';
import { decodeRecord } from './decode';
import { isPassingKafkaError } from '@siaghsync/shared/startup';

describe('records the views do not fold', () => {
  const codec = {
    decode: () => Promise.reject(new Error('must not be decoded')),
  } as unknown as EventCodec;
  const message = (value: Buffer | null) => ({
    key: Buffer.from('__barrier__'),
    value,
    timestamp: '0',
    attributes: 0,
    offset: '0',
    headers: { 'x-siaghsync-barrier': 'b1' },
  });

  it("ignores the syncer's zero-byte barrier markers on entity-state (no decode error)", async () => {
    await expect(decodeRecord(codec, 'entity-state', message(Buffer.alloc(0)))).resolves.toBeNull();
    await expect(decodeRecord(codec, 'outcomes', message(Buffer.alloc(0)))).resolves.toBeNull();
  });

  it('still folds an entity-state tombstone (null value) as a removal', async () => {
    await expect(decodeRecord(codec, 'entity-state', message(null))).resolves.toEqual({
      type: 'entity-state',
      key: '__barrier__',
      data: null,
    });
  });
});

describe('isPassingKafkaError: what a projector start-up waits out instead of exiting', () => {
  const kafkaError = (name: string, retriable?: boolean) =>
    Object.assign(new Error('x'), { name, ...(retriable === undefined ? {} : { retriable }) });

  it('a restarting broker (coordinator moved or loading, connection refused) is waited out', () => {
    expect(isPassingKafkaError(kafkaError('KafkaJSProtocolError', true))).toBe(true);
    expect(isPassingKafkaError(kafkaError('KafkaJSConnectionError'))).toBe(true);
  });

  it('a non-retriable Kafka error or any other error still stops the start-up', () => {
    expect(isPassingKafkaError(kafkaError('KafkaJSProtocolError', false))).toBe(false);
    expect(isPassingKafkaError(new Error('MongoServerError: auth failed'))).toBe(false);
    expect(isPassingKafkaError('text')).toBe(false);
  });
});
