import { canonicalToCrm, crmToCanonical, type CrmUpdateMode } from '@siaghsync/shared/mapping/crm';
import type { CanonicalCustomer } from '@siaghsync/shared/mapping/canonical';
import { config, crmRec, customer, siaghRec, KEY } from '../test/spec';
import { permanent } from '@siaghsync/shared/errors';
import { initialState } from './decide/state';
import type { Systems } from './fetch';
import type { Write } from './decide/types';
import { performWrite } from './write';

// The write edge with the CRM stubbed: what it sends, and that it refuses to write back values read
// before a person's edit.

/** A readThenWrite that records whether a call was made inside it (" (paired)"). */
function pairing() {
  let inside = false;
  return {
    readThenWrite: async <T>(fn: () => Promise<T>) => {
      inside = true;
      try {
        return await fn();
      } finally {
        inside = false;
      }
    },
    mark: () => (inside ? ' (paired)' : ''),
  };
}

function crmStub(
  current: CanonicalCustomer | undefined,
  updateMode: CrmUpdateMode = 'changed-fields',
  raw: Record<string, unknown> = { id: 'crm-guid-1' },
  updateAnswer: () => Promise<void> = () => Promise.resolve(),
) {
  const updates: Record<string, unknown>[] = [];
  /** How each call was made: inside readThenWrite or not, and the update's options. */
  const calls: string[] = [];
  const { readThenWrite, mark } = pairing();
  const systems = {
    crm: {
      updateMode,
      readThenWrite,
      getIdentity: (_id: string) => {
        calls.push(`read${mark()}`);
        return Promise.resolve(
          current && { kind: current.kind, record: canonicalToCrm(current, config, raw) },
        );
      },
      update: (_kind: string, _id: string, body: Record<string, unknown>, opts: { once?: boolean } = {}) => {
        calls.push(`update${mark()}${opts.once ? ' once' : ''}`);
        updates.push(body);
        return updateAnswer();
      },
    },
  } as unknown as Systems;
  return { systems, updates, calls };
}

const read = customer();
// What the syncer holds is always the CRM body read back through the mapping.
const asRead = crmToCanonical(canonicalToCrm(read, config, { id: 'crm-guid-1' }), 'person', config);
const write: Write = {
  side: 'crm',
  op: 'update',
  id: 'crm-guid-1',
  record: customer({ email: 'new@example.com' }),
  checksum: 'x',
  fields: ['email'],
};
const fetched = { crm: crmRec(asRead), siagh: siaghRec(read) };

describe('performWrite: CRM update', () => {
  it('sends only the changed property, read and written back to back, the write sent once', async () => {
    const { systems, updates, calls } = crmStub(read);
    await performWrite(systems, config, write, fetched, initialState(KEY));
    expect(updates).toEqual([{ email: 'new@example.com' }]);
    // Read and write back to back, and the write never re-sent later with what was read.
    expect(calls).toEqual(['read (paired)', 'update (paired) once']);
  });

  it('whole-record mode: writes over the record as the CRM holds it now, unmapped properties kept', async () => {
    const { systems, updates, calls } = crmStub(read, 'whole-record', { id: 'crm-guid-1', tags: ['vip'] });
    await performWrite(systems, config, write, fetched, initialState(KEY));
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ id: 'crm-guid-1', tags: ['vip'], email: 'new@example.com' });
    expect(updates[0]).toHaveProperty('nickName');
    expect(calls).toEqual(['read (paired)', 'update (paired) once']);
  });

  it('a person edited the record after our read: no write, a transient error so the event is decided again', async () => {
    const { systems, updates } = crmStub(customer({ description: 'edited by a person meanwhile' }));
    await expect(performWrite(systems, config, write, fetched, initialState(KEY))).rejects.toMatchObject({
      kind: 'transient',
      code: 'CRM_CHANGED_BEFORE_WRITE',
    });
    expect(updates).toEqual([]);
  });

  it('the record was deleted after our read: no write, decided again', async () => {
    const { systems, updates } = crmStub(undefined);
    await expect(performWrite(systems, config, write, fetched, initialState(KEY))).rejects.toMatchObject({
      code: 'CRM_CHANGED_BEFORE_WRITE',
    });
    expect(updates).toEqual([]);
  });
  it('the record was deleted between the read just before the write and the write: decided again, not a dead letter', async () => {
    const notFound = permanent('CRM_NOT_FOUND', 'CRM refused: not found (HTTP 404)');
    const { systems } = crmStub(read, 'changed-fields', { id: 'crm-guid-1' }, () => Promise.reject(notFound));
    await expect(performWrite(systems, config, write, fetched, initialState(KEY))).rejects.toMatchObject({
      kind: 'transient',
      code: 'CRM_CHANGED_BEFORE_WRITE',
    });
  });

  it('any other CRM refusal stays what it was', async () => {
    const refused = permanent('CRM_VALIDATION', 'CRM refused: bad email');
    const { systems } = crmStub(read, 'changed-fields', { id: 'crm-guid-1' }, () => Promise.reject(refused));
    await expect(performWrite(systems, config, write, fetched, initialState(KEY))).rejects.toMatchObject({
      kind: 'permanent',
      code: 'CRM_VALIDATION',
    });
  });
});

describe('performWrite: Siagh update', () => {
  const siaghWrite: Write = { ...write, side: 'siagh', id: '1068' };
  /** A Siagh contact as GetAll returns it, holding `c` through the mapping. */
  const contact = (c: CanonicalCustomer): Record<string, unknown> => {
    const raw: Record<string, unknown> = { Code: 1068, tmpid: String(c.customerNumber), TowardType: false };
    for (const rule of Object.values(config.fields)) if (rule.siagh) raw[rule.siagh] = c[rule.field];
    return raw;
  };
  const siaghStub = (
    current: CanonicalCustomer | undefined,
    answer: () => Promise<void> = () => Promise.resolve(),
  ) => {
    const calls: string[] = [];
    const { readThenWrite, mark } = pairing();
    const systems = {
      siagh: {
        readThenWrite,
        findContacts: (filter: Record<string, unknown>) => {
          calls.push(`read ${JSON.stringify(filter)}${mark()}`);
          return Promise.resolve(current ? [contact(current)] : []);
        },
        saveContactFields: (pairs: [string, string][]) => {
          calls.push(`save ${pairs.map(([k]) => k).join(',')}${mark()}`);
          return answer();
        },
      },
    } as unknown as Systems;
    return { systems, calls };
  };

  it('reads the contact again and writes only the changed field, back to back', async () => {
    const { systems, calls } = siaghStub(read);
    await performWrite(systems, config, siaghWrite, fetched, initialState(KEY));
    expect(calls).toEqual([
      'read {"Code":1068} (paired)',
      expect.stringMatching(/^save \S*email \(paired\)$/),
    ]);
  });

  it('a person saved the field we write after our read: no write, decided again', async () => {
    const { systems, calls } = siaghStub(customer({ email: 'typed.in.siagh@example.com' }));
    await expect(performWrite(systems, config, siaghWrite, fetched, initialState(KEY))).rejects.toMatchObject(
      {
        kind: 'transient',
        code: 'SIAGH_CHANGED_BEFORE_WRITE',
      },
    );
    expect(calls.filter((c) => c.startsWith('save'))).toEqual([]);
  });

  it('an edit of another field since our read is left alone: the form writes only ours', async () => {
    const { systems, calls } = siaghStub(customer({ description: 'edited in Siagh meanwhile' }));
    await performWrite(systems, config, siaghWrite, fetched, initialState(KEY));
    expect(calls.filter((c) => c.startsWith('save'))).toHaveLength(1);
  });

  it('a contact deleted after our read: a transient error, so the event is decided again (the delete policy), not a dead letter', async () => {
    const gone = siaghStub(undefined);
    await expect(
      performWrite(gone.systems, config, siaghWrite, fetched, initialState(KEY)),
    ).rejects.toMatchObject({
      kind: 'transient',
      code: 'SIAGH_CHANGED_BEFORE_WRITE',
    });
    const notFound = permanent('SIAGH_NOT_FOUND', 'Siagh form refused: the record to update does not exist');
    const between = siaghStub(read, () => Promise.reject(notFound));
    await expect(
      performWrite(between.systems, config, siaghWrite, fetched, initialState(KEY)),
    ).rejects.toMatchObject({ kind: 'transient', code: 'SIAGH_CHANGED_BEFORE_WRITE' });
  });

  it('any other refusal stays what it was', async () => {
    const refused = permanent('SIAGH_DUPLICATE_PHONE', 'the phone number is already used');
    const { systems } = siaghStub(read, () => Promise.reject(refused));
    await expect(performWrite(systems, config, siaghWrite, fetched, initialState(KEY))).rejects.toMatchObject(
      {
        kind: 'permanent',
        code: 'SIAGH_DUPLICATE_PHONE',
      },
    );
  });
});
