import { newChangeEvent } from '../events';
import { signOperatorEvent } from './signature';
import { signSnapshot, snapshotSigned, SNAPSHOT_SIGNATURE_ATTRIBUTE } from './snapshotSignature';

const KEY = 'k'.repeat(40);
const event = newChangeEvent({
  eventId: 'e1',
  source: 'siagh',
  entityType: 'customer',
  sourceId: '1068',
  operation: 'upsert',
  observedTime: 1,
  trigger: 'backfill',
  correlationId: 'c1',
  snapshot: '{"Code":1068,"Email":"a@example.com"}',
  attributes: { readStartedAt: '100', bulk: 'sweep' },
});

describe('import snapshots are signed by whoever read them', () => {
  it('holds for the event as signed, with the same key only', () => {
    const signed = signSnapshot(event, KEY);
    expect(signed.attributes[SNAPSHOT_SIGNATURE_ATTRIBUTE]).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(snapshotSigned(signed, KEY)).toBe(true);
    expect(snapshotSigned(signed, 'x'.repeat(40))).toBe(false);
    expect(snapshotSigned(signed, undefined)).toBe(false);
    expect(snapshotSigned(event, KEY)).toBe(false);
  });

  it('fails once the snapshot, the record it names or its read time is changed', () => {
    const signed = signSnapshot(event, KEY);
    const changed = [
      { ...signed, snapshot: '{"Code":1068,"Email":"evil@example.com"}' },
      { ...signed, sourceId: '1069' },
      { ...signed, attributes: { ...signed.attributes, readStartedAt: '999' } },
      { ...signed, eventId: 'e2' },
    ];
    for (const c of changed) expect(snapshotSigned(c, KEY)).toBe(false);
  });

  it("nothing to sign without a snapshot or a key; an operator event's signature is not a snapshot's", () => {
    expect(signSnapshot({ ...event, snapshot: null }, KEY).attributes).toEqual(event.attributes);
    expect(signSnapshot(event, undefined)).toBe(event);
    const work = {
      canonicalKey: 'customer:1',
      kind: 'change' as const,
      routeReason: 'natural-key' as const,
      routedAt: 1,
      correlationId: 'c1',
      change: event,
      resolution: null,
      redriveOf: null,
    };
    const replayed = {
      ...event,
      attributes: { ...event.attributes, [SNAPSHOT_SIGNATURE_ATTRIBUTE]: signOperatorEvent(work, KEY) },
    };
    expect(snapshotSigned(replayed, KEY)).toBe(false);
  });
});
