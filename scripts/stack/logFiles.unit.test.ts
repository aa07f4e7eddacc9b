import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rotateIfLarge, tailOf } from './logFiles';

describe('stack log files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfiles-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('quotes the end of a log without reading it whole', () => {
    const file = path.join(dir, 'big.log');
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'x'.repeat(20)}`);
    fs.writeFileSync(file, lines.join('\n'));
    expect(tailOf(file, 3)).toBe(lines.slice(-3).join('\n'));
    fs.writeFileSync(path.join(dir, 'small.log'), 'a\nb');
    expect(tailOf(path.join(dir, 'small.log'), 5)).toBe('a\nb');
    expect(tailOf(path.join(dir, 'absent.log'), 5)).toBe('');
  });

  it('moves a log past its limit aside, replacing the previous one', () => {
    const file = path.join(dir, 'kafka.log');
    fs.writeFileSync(`${file}.1`, 'older');
    fs.writeFileSync(file, 'x'.repeat(100));
    expect(rotateIfLarge(file, 1000)).toBe(false);
    expect(rotateIfLarge(file, 50)).toBe(true);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readFileSync(`${file}.1`, 'utf8')).toBe('x'.repeat(100));
    expect(rotateIfLarge(file, 50)).toBe(false);
  });
});
