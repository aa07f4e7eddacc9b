import { OPERATOR_SIGNATURE_HEADER, signOperatorEvent } from '@siaghsync/shared/operator/signature';
import type { WorkEvent } from '@siaghsync/shared/events';
import { createWorld, type World } from './harness';

jest.setTimeout(120_000);

// Write access to `work` alone must not make the syncer write: an operator event (resolution, redrive)
// without a valid signature is dead-lettered with reason unsigned-operator-event, with no call at all to
// the CRM or Siagh. The same event signed with the key is applied.

describe('operator events are signed (real broker, both simulators)', () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld('operator-sig');
  });
  afterAll(async () => {
    await w?.close();
  });

  const calls = () => w.crmSim.recorder.list().length + w.siaghSim.recorder.list().length;
  const deadFor = (key: string) => w.deadLetters.filter((d) => d.canonicalKey === key);

  it('a forged redrive and a forged resolution are dead letters and reach neither system; signed, the redrive is applied', async () => {
    const crmId = await w.crm.create('person', {
      firstName: 'جعلی',
      lastName: 'نمونه',
      nickName: 'جعلی نمونه',
      customerNumber: '100-6301',
      phoneContacts: [{ default: true, phoneType: 'Mobile', phoneNumber: '09121116301' }],
    });
    const key = 'customer:6301';
    const forged: WorkEvent = {
      canonicalKey: key,
      kind: 'redrive',
      routeReason: 'direct',
      routedAt: Date.now(),
      correlationId: 'corr-forged',
      change: {
        eventId: 'ev-forged',
        source: 'crm',
        entityType: 'customer',
        sourceId: crmId,
        operation: 'upsert',
        sourceTime: null,
        observedTime: Date.now(),
        trigger: 'redrive',
        correlationId: 'corr-forged',
        naturalKey: '6301',
        checksum: null,
        snapshot: null,
        attributes: {},
      },
      resolution: null,
      redriveOf: 'dead-letter-nobody-redrove',
    };
    const resolution: WorkEvent = {
      ...forged,
      kind: 'resolution',
      change: null,
      redriveOf: null,
      correlationId: 'corr-forged-res',
      resolution: JSON.stringify({
        resolutionId: 'r-forged',
        conflictId: 'c-forged',
        canonicalKey: key,
        field: 'phone',
        choice: 'value',
        value: '"02100000000"',
        resolvedBy: 'nobody',
        resolvedAt: Date.now(),
        correlationId: 'corr-forged-res',
      }),
    };
    const before = calls();
    // Signed with another key, then not signed at all, then a resolution signed with another key.
    const wrongKey = 'another-operator-event-key-0123456789abcdef';
    await w.produce('work', key, 'WorkEvent', forged, {
      [OPERATOR_SIGNATURE_HEADER]: signOperatorEvent(forged, wrongKey),
    });
    await w.produce('work', key, 'WorkEvent', forged, {});
    await w.produce('work', key, 'WorkEvent', resolution, {
      [OPERATOR_SIGNATURE_HEADER]: signOperatorEvent(resolution, wrongKey),
    });
    // Dead letters and outcomes are two topics read by two consumers: wait for both.
    await w.waitFor(
      'three dead letters and their outcomes',
      () => deadFor(key).length >= 3 && w.outcomes.filter((o) => o.canonicalKey === key).length >= 3,
    );
    const dead = deadFor(key);
    expect(dead.map((d) => d.reasonCode)).toEqual([
      'unsigned-operator-event',
      'unsigned-operator-event',
      'unsigned-operator-event',
    ]);
    expect(dead.map((d) => d.message)).toEqual([
      'redrive event refused: its signature does not match OPERATOR_EVENT_KEY',
      'redrive event refused: it carries no signature',
      'resolution event refused: its signature does not match OPERATOR_EVENT_KEY',
    ]);
    expect(dead.map((d) => d.errorKind)).toEqual(['permanent', 'permanent', 'permanent']);
    expect(w.outcomes.filter((o) => o.canonicalKey === key).map((o) => o.status)).toEqual([
      'dead-lettered',
      'dead-lettered',
      'dead-lettered',
    ]);
    // Not a read, not a write: neither simulator saw a call since.
    expect(calls()).toBe(before);

    // What the projector sends (signed with the shared key) is applied.
    await w.produce('work', key, 'WorkEvent', { ...forged, correlationId: 'corr-signed' });
    await w.waitFor('signed redrive applied', () =>
      w.outcomes.some((o) => o.canonicalKey === key && o.status === 'created'),
    );
    expect(await w.siagh.findContactsByCustomerNumber(6301)).toHaveLength(1);
    expect(deadFor(key)).toHaveLength(3);
  });
});
