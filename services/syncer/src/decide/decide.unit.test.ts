import { sideChecksum } from '@siaghsync/shared/mapping/sides';
import { config, change, crmRec, customer, siaghRec, synced, when, KEY } from '../../test/spec';
import { initialState, supersedes } from './state';

describe('decide: link or create', () => {
  it('creates the Siagh contact for a CRM customer that has no counterpart', () => {
    const d = when(initialState(KEY), change('crm'), { crm: crmRec(customer()), siagh: null });
    expect(d.writes).toHaveLength(1);
    expect(d.writes[0]).toMatchObject({ side: 'siagh', op: 'create' });
    expect(d.outcome.status).toBe('created');
    expect(d.outcome.direction).toBe('crm-to-siagh');
    expect(d.newState.siagh.written).toBe(sideChecksum(customer(), config, 'siagh'));
    expect(d.newState.version).toBe(1);
  });

  it('a CRM record deleted before it was ever linked is not re-created from its Siagh counterpart', () => {
    // The CRM change names a record that is gone now; Siagh has the customer number (e.g. created by an
    // attempt that crashed before its commit). The delete policy decides, never a create in the CRM.
    const d = when(initialState(KEY), change('crm'), { crm: null, siagh: siaghRec(customer()) });
    expect(d.writes.filter((w) => w.op === 'create')).toEqual([]);
    expect(d.outcome.status).not.toBe('created');
    expect(d.newState.crm.deleted).toBe(true);
  });

  it('a Siagh contact with no CRM counterpart is still created in the CRM', () => {
    const d = when(initialState(KEY), change('siagh'), { crm: null, siagh: siaghRec(customer()) });
    expect(d.writes).toEqual([expect.objectContaining({ side: 'crm', op: 'create' })]);
    expect(d.outcome.status).toBe('created');
  });

  it('links an existing pair without writing when both sides already agree', () => {
    const d = when(initialState(KEY), change('siagh'), {
      crm: crmRec(customer()),
      siagh: siaghRec(customer()),
    });
    expect(d.writes).toEqual([]);
    expect(d.outcome.status).toBe('linked');
    expect(d.newState.crm.id).toBe('crm-guid-1');
    expect(d.newState.siagh.id).toBe('501');
  });

  it('an initial link of two records that disagree settles each field by its policy (lww tie -> crm)', () => {
    const d = when(initialState(KEY), change('crm'), {
      crm: crmRec(customer({ email: 'crm@example.com' })),
      siagh: siaghRec(customer({ email: 'siagh@example.com' })),
    });
    expect(d.writes).toEqual([expect.objectContaining({ side: 'siagh', op: 'update', fields: ['email'] })]);
    expect(d.conflicts).toEqual([
      expect.objectContaining({ field: 'email', status: 'auto-resolved', winner: 'crm' }),
    ]);
    // What each side held before the write: the lineage of every field nobody has changed since.
    const values = d.outcome.linkedValues ?? [];
    expect(values.filter((v) => v.field === 'email')).toEqual([
      { field: 'email', side: 'crm', value: '"crm@example.com"' },
      { field: 'email', side: 'siagh', value: '"siagh@example.com"' },
    ]);
    expect(values.find((v) => v.field === 'mobile' && v.side === 'siagh')?.value).toBe(
      JSON.stringify(customer().mobile),
    );
    expect(values.some((v) => v.field === 'customerNumber')).toBe(false);
  });

  it('records linked values on the first link only, not on later events of the pair', () => {
    const rec = customer();
    expect(
      when(synced(rec), change('siagh'), { crm: crmRec(rec), siagh: siaghRec(rec) }).outcome.linkedValues,
    ).toBeUndefined();
  });
});

describe('decide: a first link settles a disagreement by what is known of each side', () => {
  // The CRM record was last modified at 1,000; Siagh keeps no time.
  const first = (changedAfter?: number, changedFields = 'email') =>
    when(
      initialState(KEY),
      change('siagh', {
        attributes: changedAfter === undefined ? {} : { changedAfter: String(changedAfter), changedFields },
      }),
      {
        crm: crmRec(customer({ email: 'seed@example.com' }), 1_000),
        siagh: siaghRec(customer({ email: 'edited@example.com' })),
      },
    );

  it("a Siagh edit the poller saw made after its last complete sweep, later than the CRM's, wins", () => {
    const d = first(60_000);
    // Evidence for this merge only: a later merge takes each side's times from its own changes.
    expect(d.newState.fieldTimes).toEqual({ crm: {}, siagh: {} });
    expect(d.writes).toEqual([expect.objectContaining({ side: 'crm', op: 'update', fields: ['email'] })]);
    expect(d.conflicts).toEqual([
      expect.objectContaining({ field: 'email', winner: 'siagh', resolvedBy: 'policy:conflict-lww' }),
    ]);
  });

  it('a CRM modification after what Siagh can prove wins; no evidence from Siagh is a tie', () => {
    const d = when(
      initialState(KEY),
      change('siagh', { attributes: { changedAfter: '1000', changedFields: 'email' } }),
      {
        crm: crmRec(customer({ email: 'seed@example.com' }), 60_000),
        siagh: siaghRec(customer({ email: 'edited@example.com' })),
      },
    );
    expect(d.conflicts).toEqual([
      expect.objectContaining({ winner: 'crm', resolvedBy: 'policy:conflict-lww' }),
    ]);
    expect(first().conflicts).toEqual([
      expect.objectContaining({ winner: 'crm', resolvedBy: 'policy:conflict-lww-tie' }),
    ]);
  });

  it('an edit of another field lends its time to none of the fields the two disagree on', () => {
    expect(first(60_000, 'name').conflicts).toEqual([
      expect.objectContaining({ field: 'email', winner: 'crm', resolvedBy: 'policy:conflict-lww-tie' }),
    ]);
  });

  it("a CRM import event's link: Siagh fields that differ from the import's snapshot were edited after it", () => {
    // The fetch found the Siagh record changed since the snapshot read at 60,000 (bulkFindSiagh).
    const link = (fields: ('email' | 'name')[], crmTime: number) =>
      when(initialState(KEY), change('crm'), {
        crm: crmRec(customer({ email: 'seed@example.com' }), crmTime),
        siagh: {
          ...siaghRec(customer({ email: 'edited@example.com' })),
          editedAfter: { after: 60_000, fields },
        },
      });
    expect(link(['email'], 1_000).writes).toEqual([
      expect.objectContaining({ side: 'crm', op: 'update', fields: ['email'] }),
    ]);
    expect(link(['email'], 1_000).conflicts).toEqual([
      expect.objectContaining({ field: 'email', winner: 'siagh', resolvedBy: 'policy:conflict-lww' }),
    ]);
    // A CRM modification later than the snapshot still wins; an edit of another field proves nothing.
    expect(link(['email'], 90_000).conflicts).toEqual([expect.objectContaining({ winner: 'crm' })]);
    expect(link(['name'], 1_000).conflicts).toEqual([
      expect.objectContaining({ winner: 'crm', resolvedBy: 'policy:conflict-lww-tie' }),
    ]);
  });
});

describe('decide: echo and no ping-pong', () => {
  it('skips our own write coming back, with no time window involved', () => {
    const rec = customer();
    const d = when(synced(rec), change('siagh'), { crm: crmRec(rec), siagh: siaghRec(rec) });
    expect(d.writes).toEqual([]);
    expect(d.outcome.status).toBe('skipped-echo');
  });

  it('syncs a real edit made one second after a sync, exactly one write', () => {
    const rec = customer();
    const edited = customer({ mobile: '09350000000' });
    const d = when(synced(rec), change('crm'), { crm: crmRec(edited, 1_001), siagh: siaghRec(rec) }, 1_001);
    expect(d.writes).toEqual([expect.objectContaining({ side: 'siagh', op: 'update', fields: ['mobile'] })]);
    expect(d.outcome.fieldDiff).toEqual([
      {
        field: 'mobile',
        side: 'siagh',
        before: '"09121234567"',
        after: '"09350000000"',
        reason: 'changed-on-crm',
      },
    ]);
    // The echo of that write is then recognised.
    const echo = when(d.newState, change('siagh'), { crm: crmRec(edited, 1_001), siagh: siaghRec(edited) });
    expect(echo.writes).toEqual([]);
    expect(echo.outcome.status).toBe('skipped-echo');
  });
});

describe('decide: three-way merge and conflicts', () => {
  it('keeps edits of different fields made on both sides', () => {
    const rec = customer();
    const d = when(synced(rec), change('crm'), {
      crm: crmRec(customer({ email: 'new@example.com' })),
      siagh: siaghRec(customer({ address: 'اصفهان' })),
    });
    const bySide = Object.fromEntries(d.writes.map((w) => [w.side, w.op === 'update' ? w.fields : []]));
    expect(bySide).toEqual({ crm: ['address'], siagh: ['email'] });
    expect(d.conflicts).toEqual([]);
    expect(d.newState.base).toMatchObject({ email: 'new@example.com', address: 'اصفهان' });
  });

  it('last write wins on source time beyond the clock-skew allowance, and records the conflict', () => {
    const rec = customer();
    const state = synced(rec);
    const d = when(
      state,
      change('siagh', { sourceTime: 100_000, observedTime: 100_000 }),
      {
        crm: crmRec(customer({ email: 'crm@x.com' }), 50_000),
        siagh: siaghRec(customer({ email: 'siagh@x.com' })),
      },
      100_000,
    );
    expect(d.writes).toEqual([expect.objectContaining({ side: 'crm', fields: ['email'] })]);
    expect(d.conflicts).toEqual([
      expect.objectContaining({ field: 'email', policy: 'lww', winner: 'siagh', status: 'auto-resolved' }),
    ]);
  });

  it('within the clock-skew allowance it is a tie, settled by the configured side', () => {
    const d = when(
      synced(customer()),
      change('siagh', { sourceTime: 52_000, observedTime: 52_000 }),
      {
        crm: crmRec(customer({ email: 'crm@x.com' }), 50_000),
        siagh: siaghRec(customer({ email: 'siagh@x.com' })),
      },
      52_000,
    );
    expect(d.conflicts[0]).toMatchObject({ winner: 'crm', resolvedBy: 'policy:conflict-lww-tie' });
    expect(d.writes).toEqual([expect.objectContaining({ side: 'siagh', fields: ['email'] })]);
  });

  it('a manual field is parked while the other fields keep flowing; a resolution settles it', () => {
    const rec = customer();
    const d = when(synced(rec), change('crm'), {
      crm: crmRec(customer({ description: 'از CRM', email: 'e@crm.com' })),
      siagh: siaghRec(customer({ description: 'از سیاق' })),
    });
    expect(d.outcome.status).toBe('synced');
    expect(d.writes).toEqual([expect.objectContaining({ side: 'siagh', fields: ['email'] })]);
    expect(d.conflicts).toEqual([
      expect.objectContaining({ field: 'description', status: 'open', winner: null }),
    ]);
    expect(d.newState.openConflicts).toHaveLength(1);

    // Another event while it is open: still parked, no second conflict event.
    const again = when(d.newState, change('siagh'), {
      crm: crmRec(customer({ description: 'از CRM', email: 'e@crm.com' })),
      siagh: siaghRec(customer({ description: 'از سیاق', email: 'e@crm.com' })),
    });
    expect(again.writes).toEqual([]);
    expect(again.conflicts).toEqual([]);

    const conflictId = d.newState.openConflicts[0]!.conflictId;
    const resolution = {
      ...change('crm'),
      kind: 'resolution' as const,
      change: null,
      resolution: JSON.stringify({
        resolutionId: 'r1',
        conflictId,
        canonicalKey: KEY,
        field: 'description',
        choice: 'siagh',
        value: null,
        resolvedBy: 'operator:maryam',
        resolvedAt: 20_000,
        correlationId: 'corr-r',
      }),
    };
    const r = when(again.newState, resolution, {
      crm: crmRec(customer({ description: 'از CRM', email: 'e@crm.com' })),
      siagh: siaghRec(customer({ description: 'از سیاق', email: 'e@crm.com' })),
    });
    expect(r.writes).toEqual([expect.objectContaining({ side: 'crm', fields: ['description'] })]);
    expect(r.outcome.status).toBe('resolved');
    expect(r.conflicts).toEqual([
      expect.objectContaining({ conflictId, status: 'resolved', resolvedBy: 'operator:maryam' }),
    ]);
    expect(r.newState.openConflicts).toEqual([]);
    expect(r.newState.base?.description).toBe('از سیاق');

    // A value that is not JSON (syncctl used to send bare text) throws a permanent error: dead letter.
    const withValue = (value: string) => ({
      ...resolution,
      resolution: JSON.stringify({
        ...(JSON.parse(resolution.resolution) as Record<string, unknown>),
        choice: 'value',
        value,
      }),
    });
    const records = {
      crm: crmRec(customer({ description: 'از CRM', email: 'e@crm.com' })),
      siagh: siaghRec(customer({ description: 'از سیاق', email: 'e@crm.com' })),
    };
    const failure = (event: typeof resolution) => {
      try {
        when(again.newState, event, records);
      } catch (err) {
        return err as { kind: string; code: string };
      }
      throw new Error('decided without an error');
    };
    expect(failure(withValue('hand typed'))).toMatchObject({
      kind: 'permanent',
      code: 'INVALID_RESOLUTION_VALUE',
    });
    expect(failure({ ...resolution, resolution: '{"conflictId":' })).toMatchObject({
      kind: 'permanent',
      code: 'INVALID_RESOLUTION',
    });
    const byValue = when(again.newState, withValue('"نوشته اپراتور"'), records);
    expect(byValue.outcome.status).toBe('resolved');
    expect(byValue.newState.base?.description).toBe('نوشته اپراتور');
  });
});

describe('decide: deletes', () => {
  it('a CRM delete deactivates the Siagh contact (default policy)', () => {
    const rec = customer();
    const d = when(synced(rec), change('crm', { operation: 'delete' }), { crm: null, siagh: siaghRec(rec) });
    expect(d.writes).toEqual([expect.objectContaining({ side: 'siagh', op: 'deactivate' })]);
    expect(d.outcome.status).toBe('deleted');
    expect(d.newState.crm.deleted).toBe(true);
  });

  it('a delete racing an edit on the other side is a conflict, not a silent loss', () => {
    const rec = customer();
    const d = when(synced(rec), change('crm', { operation: 'delete' }), {
      crm: null,
      siagh: siaghRec(customer({ mobile: '09199999999' })),
    });
    expect(d.writes).toEqual([]);
    expect(d.outcome.status).toBe('conflict');
    expect(d.conflicts).toEqual([
      expect.objectContaining({ field: 'record', policy: 'delete-vs-edit', status: 'open' }),
    ]);
  });

  it('a Siagh delete is ignored on the CRM side by default (the link is dropped)', () => {
    const rec = customer();
    const d = when(synced(rec), change('siagh', { operation: 'delete' }), { crm: crmRec(rec), siagh: null });
    expect(d.writes).toEqual([]);
    expect(d.outcome.status).toBe('deleted');
    expect(d.newState.siagh.deleted).toBe(true);
  });
});

describe('state versions fence zombies', () => {
  it('an older generation never supersedes a newer one, whatever its version', () => {
    expect(supersedes({ generation: 4, version: 99 }, { generation: 5, version: 2 })).toBe(false);
    expect(supersedes({ generation: 5, version: 3 }, { generation: 5, version: 2 })).toBe(true);
    expect(supersedes({ generation: 5, version: 2 }, { generation: 5, version: 2 })).toBe(false);
    expect(supersedes({ generation: 6, version: 1 }, { generation: 5, version: 9 })).toBe(true);
  });
});
