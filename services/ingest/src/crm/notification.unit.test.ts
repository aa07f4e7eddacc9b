import { identityKindOf, normalizeCrmNotification } from './notification';

const GUID = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';

describe('identityKindOf: the installation label decides person or organization', () => {
  it.each([
    ['مخاطب حقیقی siagh', 'person'],
    ['مخاطب حقوقی siagh', 'organization'],
    ['حقیقی', 'person'],
    ['حقوقی', 'organization'],
    ['مخاطب حقيقي', 'person'], // Arabic yeh ي
    ['مخاطب حقوقي', 'organization'], // Arabic yeh at the end
    ['شخص حقيقى', 'person'], // alef maksura
    ['مشتري حقوقی (شركت)', 'organization'], // Arabic yeh and kaf elsewhere in the label
    ['مخاطب  حقیقی\u200c', 'person'], // double space, trailing ZWNJ
    ['مخاطب حق\u200cیقی', 'person'], // a stray ZWNJ inside the word
    ['\u200fمخاطب حقیقی\u200e', 'person'], // bidi marks from copy-paste
    ['مخاطب حقیـــقی', 'person'], // tatweel (kashida)
    ['اشخاص حقوقی siagh', 'organization'],
    ['ﺣﻘﻴﻘﻰ', 'person'], // Arabic presentation forms
  ])('%s -> %s', (label, kind) => {
    expect(identityKindOf(label)).toBe(kind);
  });

  it.each([['مشتری'], [''], ['person'], ['حقیقی/حقوقی'], [null], [undefined]])(
    'neither or both marks (%s) -> unknown, never a guess',
    (label) => {
      expect(identityKindOf(label)).toBe('unknown');
    },
  );
});

describe('normalizeCrmNotification', () => {
  it('maps an identity update to a customer upsert with a lower-case GUID', () => {
    const r = normalizeCrmNotification({
      event: 'Update',
      id: GUID.toUpperCase(),
      type: 'Identity',
      subtype: 'مخاطب حقيقي siagh',
    });
    expect(r).toEqual({
      ok: true,
      value: {
        entityType: 'customer',
        operation: 'upsert',
        sourceId: GUID,
        crmType: 'Identity',
        crmEvent: 'Update',
        identityKind: 'person',
        subtype: 'مخاطب حقیقی siagh',
      },
    });
  });

  it.each([
    ['Insert', 'upsert'],
    ['Update', 'upsert'],
    ['Delete', 'delete'],
    ['delete', 'delete'],
    [' INSERT ', 'upsert'],
  ])('event %s -> %s', (event, op) => {
    const r = normalizeCrmNotification({ event, id: GUID, type: 'Identity', subtype: 'حقوقی' });
    expect(r.ok && r.value.operation).toBe(op);
  });

  it.each([
    ['Identity', 'customer'],
    ['Quote', 'preinvoice'],
    ['Invoice', 'preinvoice'],
    ['quote', 'preinvoice'],
  ])('type %s -> %s', (type, entity) => {
    const r = normalizeCrmNotification({ event: 'Insert', id: GUID, type, subtype: 'پیش فاکتور رسمی' });
    expect(r.ok && r.value.entityType).toBe(entity);
    expect(r.ok && r.value.identityKind).toBe(type.toLowerCase() === 'identity' ? 'unknown' : null);
  });

  it('accepts braces around the GUID and a missing subtype', () => {
    const r = normalizeCrmNotification({ event: 'Delete', id: `{${GUID}}`, type: 'Identity' });
    expect(r.ok && r.value).toMatchObject({ sourceId: GUID, identityKind: 'unknown', subtype: null });
  });

  it.each([
    [{ event: 'Update', id: GUID, type: 'Ticket' }, 'type'],
    [{ event: 'Upsert', id: GUID, type: 'Identity' }, 'event'],
    [{ event: 'Update', id: 'not-a-guid', type: 'Identity' }, 'id'],
    [{ event: 'Update', id: `${GUID}0`, type: 'Identity' }, 'id'],
    [{ id: GUID, type: 'Identity' }, 'event'],
    [{ event: 'Update', type: 'Identity' }, 'id'],
    [{ event: 'Update', id: GUID }, 'type'],
    [{ event: ['Update', 'Insert'], id: GUID, type: 'Identity' }, 'event'],
    [{ event: 'Update', id: GUID, type: 'Identity', subtype: 'a\u0000b' }, 'subtype'],
    [{ event: 'Update', id: GUID, type: 'Identity', subtype: 'x'.repeat(257) }, 'subtype'],
    [{ event: 'Update', id: GUID, type: 'Identity', subtype: 'bad \ud800 half' }, 'subtype'],
    [{ event: 'Update\r\nX-Injected: 1', id: GUID, type: 'Identity' }, 'event'],
    [{ event: 1, id: GUID, type: 'Identity' }, 'event'],
    [{ event: { toString: 'Update' }, id: GUID, type: 'Identity' }, 'event'],
  ])('refuses %j naming the field %s', (input, field) => {
    const r = normalizeCrmNotification(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem.field).toBe(field);
  });

  it('refuses unknown and prototype-polluting keys without naming them', () => {
    const hostile = [
      JSON.parse(
        `{"event":"Update","id":"${GUID}","type":"Identity","__proto__":{"polluted":true}}`,
      ) as unknown,
      { event: 'Update', id: GUID, type: 'Identity', constructor: 'x' },
      { event: 'Update', id: GUID, type: 'Identity', ['<script>alert(1)</script>']: 'x' },
    ];
    for (const input of hostile) {
      const r = normalizeCrmNotification(input);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.problem.field).toBeUndefined();
        expect(r.problem.message).not.toMatch(/proto|constructor|script/);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([[null], [[]], ['event=Update'], [42]])('refuses a non-object body %j', (input) => {
    expect(normalizeCrmNotification(input).ok).toBe(false);
  });
});

describe('normalizeCrmNotification: JavaScript object-machinery names are unknown values', () => {
  const PROTO_NAMES = [
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
    'prototype',
    'valueOf',
    'isPrototypeOf',
    '__defineGetter__',
    'Constructor', // our lookups lower-case first
    ' __PROTO__ ',
  ];
  const ok = { event: 'Update', id: GUID, type: 'Identity', subtype: 'مخاطب حقیقی' };
  const cases = PROTO_NAMES.flatMap((name) =>
    (['event', 'type', 'subtype', 'id'] as const).map((field) => [field, name] as const),
  );

  it.each(cases)('%s=%j is refused naming the field, and the message does not echo it', (field, name) => {
    const r = normalizeCrmNotification({ ...ok, [field]: name });
    expect(r).toEqual({ ok: false, problem: { field, message: expect.any(String) as string } });
    if (!r.ok) expect(r.problem.message.toLowerCase()).not.toContain(name.trim().toLowerCase());
  });

  it('a Persian label that merely contains such a word is still a label', () => {
    const r = normalizeCrmNotification({ ...ok, subtype: 'مخاطب حقیقی constructor' });
    expect(r.ok && r.value).toMatchObject({ identityKind: 'person', subtype: 'مخاطب حقیقی constructor' });
  });
});
