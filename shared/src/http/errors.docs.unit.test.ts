import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Every error code created anywhere in shared/src must be documented in docs/errors.md.

const SRC = join(__dirname, '..');
const DOC = readFileSync(join(__dirname, '../../../docs/errors.md'), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

function codesIn(text: string): string[] {
  const codes = new Set<string>();
  for (const m of text.matchAll(/\b(?:permanent|transient|rateLimited|authError)\(\s*'([A-Z][A-Z0-9_]+)'/g))
    codes.add(m[1]!);
  for (const m of text.matchAll(/new SyncError\([^,]+,\s*'([A-Z][A-Z0-9_]+)'/g)) codes.add(m[1]!);
  for (const m of text.matchAll(/code:\s*'([A-Z][A-Z0-9]*_[A-Z0-9_]+)'/g)) codes.add(m[1]!);
  // Codes built per system: `${system}_RATE_LIMITED` exists as CRM_… and SIAGH_….
  for (const m of text.matchAll(/`\$\{system\}_([A-Z_]+)`/g))
    ['CRM', 'SIAGH'].forEach((s) => codes.add(`${s}_${m[1]!}`));
  return [...codes];
}

describe('docs/errors.md', () => {
  const codes = sourceFiles(SRC).flatMap((f) => codesIn(readFileSync(f, 'utf8')));

  it('finds the codes it is meant to check', () => {
    expect(codes).toEqual(
      expect.arrayContaining([
        'SIAGH_DUPLICATE_PHONE',
        'CRM_RATE_LIMITED',
        'SIAGH_UNSAFE_VALUE',
        'CONFIG_INVALID',
      ]),
    );
  });

  it('documents every code used in shared/src', () => {
    const missing = [...new Set(codes)].filter((c) => !DOC.includes(`\`${c}\``) && !DOC.includes(`${c}\``));
    expect(missing).toEqual([]);
  });
});
