import type { WorkEvent } from '../events';
import {
  canonicalOperatorEvent,
  needsOperatorSignature,
  operatorEventKey,
  signOperatorEvent,
  verifyOperatorEvent,
} from './signature';

const KEY = 'k'.repeat(16) + '0123456789abcdef';
const resolution: WorkEvent = {
  canonicalKey: 'customer:7',
  kind: 'resolution',
  routeReason: 'direct',
  routedAt: 1_700_000_000_000,
  correlationId: 'corr-1',
  change: null,
  resolution: JSON.stringify({ conflictId: 'c1', choice: 'value', value: '"x"' }),
  redriveOf: null,
};
const redrive: WorkEvent = {
  ...resolution,
  kind: 'redrive',
  resolution: null,
  redriveOf: 'd1',
  change: {
    eventId: 'e1',
    source: 'crm',
    entityType: 'customer',
    sourceId: 'abc',
    operation: 'upsert',
    sourceTime: null,
    observedTime: 5,
    trigger: 'webhook',
    correlationId: 'corr-0',
    naturalKey: '7',
    checksum: null,
    snapshot: '{"name":"علی"}',
    attributes: { crmType: 'Identity', b: '2' },
  },
};

describe('operator event signatures', () => {
  it('a signed event verifies with the same key', () => {
    for (const e of [resolution, redrive]) {
      expect(verifyOperatorEvent(e, signOperatorEvent(e, KEY), KEY)).toBe('valid');
      // kafkajs hands headers over as Buffers.
      expect(verifyOperatorEvent(e, Buffer.from(signOperatorEvent(e, KEY)), KEY)).toBe('valid');
    }
  });

  it('is unchanged by key order (the event as decoded from Avro) and by fields it does not sign', () => {
    const reordered = JSON.parse(
      JSON.stringify({
        ...redrive,
        change: { ...redrive.change, attributes: { b: '2', crmType: 'Identity' } },
      }),
    ) as WorkEvent;
    const newer = { ...redrive, note: 'a field of a newer schema' } as WorkEvent;
    expect(canonicalOperatorEvent(reordered)).toBe(canonicalOperatorEvent(redrive));
    expect(verifyOperatorEvent(newer, signOperatorEvent(redrive, KEY), KEY)).toBe('valid');
  });

  it('any change to a signed field, a wrong key, or no signature is refused', () => {
    const sig = signOperatorEvent(resolution, KEY);
    const tampered = { ...resolution, resolution: resolution.resolution!.replace('c1', 'c2') };
    expect(verifyOperatorEvent(tampered, sig, KEY)).toBe('invalid');
    expect(verifyOperatorEvent({ ...resolution, canonicalKey: 'customer:8' }, sig, KEY)).toBe('invalid');
    const snap = { ...redrive, change: { ...redrive.change!, snapshot: '{"name":"x"}' } };
    expect(verifyOperatorEvent(snap, signOperatorEvent(redrive, KEY), KEY)).toBe('invalid');
    expect(verifyOperatorEvent(resolution, sig, `${KEY}x`)).toBe('invalid');
    expect(verifyOperatorEvent(resolution, undefined, KEY)).toBe('missing');
  });

  it('refuses malformed headers and, without a key, everything', () => {
    const sig = signOperatorEvent(resolution, KEY);
    expect(verifyOperatorEvent(resolution, sig.replace('v1=', 'v2='), KEY)).toBe('invalid');
    expect(verifyOperatorEvent(resolution, 'v1=zz', KEY)).toBe('invalid');
    expect(verifyOperatorEvent(resolution, [sig, sig], KEY)).toBe('invalid');
    expect(verifyOperatorEvent(resolution, sig, undefined)).toBe('invalid');
  });

  it('the canonical form is the documented one', () => {
    expect(canonicalOperatorEvent(resolution)).toBe(
      'siaghsync-operator-event.v1\n' +
        '{"canonicalKey":"customer:7","change":null,"correlationId":"corr-1","kind":"resolution",' +
        '"redriveOf":null,"resolution":"{\\"conflictId\\":\\"c1\\",\\"choice\\":\\"value\\",\\"value\\":\\"\\\\\\"x\\\\\\"\\"}",' +
        '"routeReason":"direct","routedAt":1700000000000}',
    );
  });
});

describe('needsOperatorSignature', () => {
  it('resolutions and redrives need one; changes and the syncer’s own empty retry markers do not', () => {
    expect(needsOperatorSignature(resolution)).toBe(true);
    expect(needsOperatorSignature(redrive)).toBe(true);
    expect(needsOperatorSignature({ ...resolution, kind: 'change', resolution: null })).toBe(false);
    const retry = { ...resolution, kind: 'redrive' as const, resolution: null, redriveOf: 'retry' };
    expect(needsOperatorSignature(retry)).toBe(false);
    // A "retry" carrying a payload is not one of ours.
    expect(needsOperatorSignature({ ...retry, change: redrive.change })).toBe(true);
  });
});

describe('OPERATOR_EVENT_KEY', () => {
  it('needs 32+ characters and refuses placeholders', () => {
    expect(operatorEventKey.safeParse(KEY).success).toBe(true);
    expect(operatorEventKey.safeParse('short-key').success).toBe(false);
    expect(operatorEventKey.safeParse('change-me-change-me-change-me-change-me').success).toBe(false);
    expect(operatorEventKey.safeParse('x'.repeat(40)).success).toBe(false);
  });
});
