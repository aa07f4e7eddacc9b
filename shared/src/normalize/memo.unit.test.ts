import { memoized } from './memo';
import { normalizeText } from './text';

describe('memoized', () => {
  it('answers as the function does, calling it once per value while it remembers', () => {
    let calls = 0;
    const f = memoized((v) => {
      calls++;
      return normalizeText(v);
    }, 4);
    const inputs = ['علي  كريمي', ' Ali ', '۱۲۳', 'علي  كريمي', ' Ali '];
    expect(inputs.map(f)).toEqual(inputs.map((v) => normalizeText(v)));
    expect(calls).toBe(3);
  });

  it('stays bounded: once full it forgets and still answers right', () => {
    let calls = 0;
    const f = memoized((v) => {
      calls++;
      return v.toUpperCase();
    }, 2);
    expect(['a', 'b', 'c', 'a'].map(f)).toEqual(['A', 'B', 'C', 'A']);
    // 'c' came when two were kept: the memory was dropped, so 'a' is computed again.
    expect(calls).toBe(4);
  });
});
