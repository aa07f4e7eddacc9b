import fc from 'fast-check';
import { SyncError } from '../errors';
import {
  decodeCtrlValue,
  encodeCtrlValue,
  encodeCtrlValues,
  parseCtrlValues,
  SIAGH_TEXT_FIELDS,
} from './ctrlValues';

const FIELDS = [
  'gn_web_users.fullname',
  'gn_web_users.address',
  'gn_web_users.mobileno',
  'gn_web_users.tmpid',
  'gn_web_users.email',
];
const hostile = fc.oneof(
  fc.string(),
  fc
    .array(
      fc.constantFrom(
        '|',
        '=',
        '||',
        '==',
        'gn_web_users.tmpid=',
        '|gn_web_users.isactive=0',
        '\n',
        '\r',
        'علی',
        ' ',
        'a',
        '｜',
        '＝',
      ),
      { maxLength: 12 },
    )
    .map((a) => a.join('')),
);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e instanceof SyncError ? e.code : 'NOT_A_SYNC_ERROR';
  }
}

describe('ctrlValues encoding', () => {
  it('joins pairs the way the form expects', () => {
    expect(
      encodeCtrlValues([
        ['gn_web_users.fullname', 'علی'],
        ['gn_web_users.mobileno', '09121234567'],
      ]),
    ).toBe('gn_web_users.fullname=علی|gn_web_users.mobileno=09121234567');
  });

  it('encodes | and = in free text reversibly', () => {
    const encoded = encodeCtrlValue('gn_web_users.address', 'پلاک 1|2 = طبقه 3');
    expect(encoded).not.toMatch(/[|=]/);
    expect(decodeCtrlValue(encoded)).toBe('پلاک 1|2 = طبقه 3');
  });

  it('refuses | or = in identifier fields, naming the field', () => {
    let err: unknown;
    try {
      encodeCtrlValues([['gn_web_users.mobileno', '0912|gn_web_users.tmpid=5']]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SyncError);
    expect((err as SyncError).code).toBe('SIAGH_UNSAFE_VALUE');
    expect((err as SyncError).kind).toBe('permanent');
    expect((err as SyncError).details).toEqual({ field: 'gn_web_users.mobileno' });
  });

  it('refuses line breaks and the reserved full-width characters in text', () => {
    expect(codeOf(() => encodeCtrlValue('gn_web_users.address', 'a\nb'))).toBe('SIAGH_UNSAFE_VALUE');
    expect(codeOf(() => encodeCtrlValue('gn_web_users.address', 'a｜b'))).toBe('SIAGH_UNSAFE_VALUE');
  });

  it('refuses a field name that is not table.field', () => {
    expect(codeOf(() => encodeCtrlValue('gn_web_users.x|y', 'v'))).toBe('SIAGH_UNSAFE_VALUE');
  });

  it('never produces a string that the server parses into other pairs (property)', () => {
    const pairs = fc.uniqueArray(fc.tuple(fc.constantFrom(...FIELDS), hostile), {
      selector: ([f]) => f,
      maxLength: 5,
    });
    fc.assert(
      fc.property(pairs, (input) => {
        let encoded: string;
        try {
          encoded = encodeCtrlValues(input);
        } catch (e) {
          // Refusing is allowed, but only with the typed error.
          return e instanceof SyncError && e.code === 'SIAGH_UNSAFE_VALUE';
        }
        const parsed = parseCtrlValues(encoded);
        if (parsed.length !== input.length) return false;
        return parsed.every(([field, value], i) => {
          const [f, v] = input[i]!;
          const intended = SIAGH_TEXT_FIELDS.has(f) ? decodeCtrlValue(value) : value;
          return field === f && intended === v;
        });
      }),
      { numRuns: 3000 },
    );
  });
});
