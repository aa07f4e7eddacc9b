import { parseSignedPayload } from './payload';

const valid = (over: object = {}, data: object = {}) => ({
  type: 'customer.upsert',
  timestamp: '2025-11-25T10:15:00Z',
  data: { source: 'siagh', id: '1042', ...data },
  ...over,
});

describe('parseSignedPayload: object-machinery names are never accepted as values or attribute names', () => {
  const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'prototype', 'ValueOf'];

  it('accepts an ordinary payload with attributes (so the refusals below are about the names)', () => {
    const r = parseSignedPayload(valid({}, { attributes: { form: '2BFDA' } }));
    expect(r.ok && r.value).toMatchObject({ sourceId: '1042', attributes: { form: '2BFDA' } });
  });

  it.each(names)('type=%s is refused naming type', (name) => {
    expect(parseSignedPayload(valid({ type: name }))).toMatchObject({
      ok: false,
      problem: { field: 'type' },
    });
  });

  it.each(names)('data.source=%s is refused naming data.source', (name) => {
    expect(parseSignedPayload(valid({}, { source: name }))).toMatchObject({
      ok: false,
      problem: { field: 'data.source' },
    });
  });

  it.each(names.flatMap((n) => [['crm', n] as const, ['siagh', n] as const]))(
    'source %s with data.id=%s is refused naming data.id',
    (source, name) => {
      expect(parseSignedPayload(valid({}, { source, id: name }))).toMatchObject({
        ok: false,
        problem: { field: 'data.id' },
      });
    },
  );

  it.each(names)('an attribute named %s is refused naming data.attributes', (name) => {
    // Built with JSON.parse, as the route does: `__proto__` becomes an own key, not a prototype.
    const input: unknown = JSON.parse(
      JSON.stringify(valid({}, { attributes: {} })).replace('{}', `{"${name}":"x"}`),
    );
    expect(parseSignedPayload(input)).toMatchObject({ ok: false, problem: { field: 'data.attributes' } });
  });
});
