import { tokenMatches } from './auth';
import { csvCell } from './csv';
import { decodeCursor, encodeCursor } from './cursor';

describe('operator token', () => {
  const token = 'a-long-operator-token-123';
  it('accepts only the exact bearer token', () => {
    expect(tokenMatches(`Bearer ${token}`, token)).toBe(true);
    expect(tokenMatches(token, token)).toBe(false);
    expect(tokenMatches(`Bearer ${token}x`, token)).toBe(false);
    expect(tokenMatches('Bearer ', token)).toBe(false);
    expect(tokenMatches(undefined, token)).toBe(false);
  });
});

describe('CSV export cells', () => {
  it('quotes separators and neutralizes formulas, keeps Persian and negative numbers', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-12.5')).toBe('-12.5');
    expect(csvCell('شماره تلفن')).toBe('شماره تلفن');
    expect(csvCell(null)).toBe('');
  });
});

describe('cursor', () => {
  it('round-trips and rejects garbage', () => {
    expect(decodeCursor(encodeCursor(42, 'o1'))).toEqual([42, 'o1']);
    expect(decodeCursor('not-a-cursor')).toBeNull();
  });
});
