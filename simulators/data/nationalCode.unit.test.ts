import fc from 'fast-check';
import {
  isValidLegalId,
  isValidNationalCode,
  makeLegalId,
  makeNationalCode,
  nationalCodeCheckDigit,
} from './nationalCode';

describe('Iranian national codes', () => {
  it('computes the check digit of known codes', () => {
    // 0499370899: sum = 0*10+4*9+9*8+9*7+3*6+7*5+0*4+8*3+9*2 = 266, 266 % 11 = 2, 11-2 = 9
    expect(nationalCodeCheckDigit('049937089')).toBe(9);
    expect(isValidNationalCode('0499370899')).toBe(true);
    expect(isValidNationalCode('0499370898')).toBe(false);
    expect(isValidNationalCode('1111111111')).toBe(false);
    expect(isValidNationalCode('12345')).toBe(false);
  });

  it('always makes valid person codes and organization IDs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (n) => {
        expect(isValidNationalCode(makeNationalCode(n))).toBe(true);
        expect(isValidLegalId(makeLegalId(n))).toBe(true);
      }),
    );
  });

  it('validates a known organization national ID', () => {
    // 10100302746 (a published company ID) passes; changing the last digit fails.
    expect(isValidLegalId('10100302746')).toBe(true);
    expect(isValidLegalId('10100302747')).toBe(false);
  });
});
