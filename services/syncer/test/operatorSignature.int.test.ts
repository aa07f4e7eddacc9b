import { OPERATOR_SIGNATURE_HEADER, signOperatorEvent } from '@siaghsync/shared/operator/signature';
import { newChangeEvent, sourceKey, type WorkEvent } from '@siaghsync/shared/events';
import { signSnapshot } from '@siaghsync/shared/operator/snapshotSignature';
import { createWorld, TEST_OPERATOR_EVENT_KEY, type World } from './harness';

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

  // An import event's snapshot stands for a read of the source only when the poller signed it
  // (shared/src/operator/snapshotSignature.ts): else a forged import event would choose what is written.
  it('an unsigned import snapshot is not taken for the record: the syncer reads the source; a signed one is used as it is', async () => {
    const person = (n: number, email: string) => ({
      firstName: 'عکس',
      lastName: `آزمون ${n}`,
      nickName: `عکس ${n}`,
      customerNumber: `100-${n}`,
      email,
      phoneContacts: [{ default: true, phoneType: 'Mobile', phoneNumber: `0912${n}000` }],
    });
    const contactOf = (n: number) =>
      [...w.siaghSim.store.contacts.values()].find((c) => String(c.tmpid) === String(n));
    const importEvent = async (crmId: string, n: number, email: string) => {
      const got = await w.crm.getIdentity(crmId, 'person');
      const snapshot = JSON.stringify({ ...(got!.record as Record<string, unknown>), email });
      return newChangeEvent({
        eventId: `import-${n}`,
        source: 'crm',
        entityType: 'customer',
        sourceId: crmId,
        operation: 'upsert',
        observedTime: Date.now(),
        trigger: 'backfill',
        correlationId: `corr-import-${n}`,
        naturalKey: String(n),
        snapshot,
        attributes: { kind: 'person', readStartedAt: String(Date.now()) },
      });
    };

    // Forged: the snapshot says attacker@, the CRM says real@; not signed.
    const forgedId = await w.crm.create('person', person(6302, 'real-6302@example.com'));
    await w.produce(
      'changes',
      sourceKey('crm', forgedId),
      'ChangeEvent',
      await importEvent(forgedId, 6302, 'attacker@example.com'),
    );
    await w.waitFor('6302 created in Siagh', () => contactOf(6302));
    expect(contactOf(6302)!.Email).toBe('real-6302@example.com');
    const reads = (id: string) =>
      w.crmSim.recorder.list().filter((c) => c.path.endsWith('/get') && JSON.stringify(c.body).includes(id));
    expect(reads(forgedId).length).toBeGreaterThan(0);

    // Signed with the key, as the poller signs: taken as the read (no CRM get of that record), so what
    // Siagh gets is the snapshot's value even though the CRM now says otherwise.
    const signedId = await w.crm.create('person', person(6303, 'real-6303@example.com'));
    const signed = signSnapshot(
      await importEvent(signedId, 6303, 'snapshot-6303@example.com'),
      TEST_OPERATOR_EVENT_KEY,
    );
    const getsBefore = reads(signedId).length;
    await w.produce('changes', sourceKey('crm', signedId), 'ChangeEvent', signed);
    await w.waitFor('6303 created in Siagh', () => contactOf(6303));
    expect(contactOf(6303)!.Email).toBe('snapshot-6303@example.com');
    expect(reads(signedId).length).toBe(getsBefore);
  });
});
