import { permanent } from '../errors';
import { quarantineInfo, quarantineMessage } from './quarantine';

describe('quarantineMessage', () => {
  const original = {
    key: Buffer.from('customer:7'),
    value: Buffer.from([0xde, 0xad, 0xbe, 0xef]),
    headers: { correlationId: 'k1' },
    offset: '41',
    timestamp: '1700000000000',
  };
  const reason = permanent('NOT_WIRE_FORMAT', 'magic byte is 222, expected 0');
  const q = quarantineMessage(
    { topic: 'siaghsync.work', partition: 3, consumer: 'siaghsync-syncer' },
    original,
    reason,
    Date.UTC(2025, 0, 2),
  );

  it('keeps the record byte for byte, its own headers included', () => {
    expect(q.key).toBe(original.key);
    expect(Buffer.compare(q.value as Buffer, original.value)).toBe(0);
    expect(q.headers?.correlationId).toBe('k1');
  });

  it('says where it came from and why, in headers of its own', () => {
    expect(quarantineInfo(q.headers)).toEqual({
      topic: 'siaghsync.work',
      partition: '3',
      offset: '41',
      timestamp: '1700000000000',
      consumer: 'siaghsync-syncer',
      reason: 'NOT_WIRE_FORMAT',
      kind: 'permanent',
      message: 'magic byte is 222, expected 0',
      at: '2025-01-02T00:00:00.000Z',
    });
  });

  it('does not change the message it was given', () => {
    expect(original.headers).toEqual({ correlationId: 'k1' });
  });
});
