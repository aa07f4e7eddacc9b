import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildImage } from './build';

// The image installs `npm ci --omit=dev` only; these keep the bundles to that (in memory: dist/ is
// left alone).

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

describe('image build', () => {
  it('bundles every part, importing runtime dependencies only', async () => {
    const { files, packages } = await buildImage({ write: false });
    expect(files).toEqual(expect.arrayContaining(['dist/main.js', 'dist/syncctl.js', 'dist/backfill.js']));
    expect(packages.length).toBeGreaterThan(5);
    for (const p of packages) expect({ p, runtime: p in pkg.dependencies }).toEqual({ p, runtime: true });
  });

  it('fails, naming the import, when our code imports a dev dependency', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'image-probe-'));
    const probe = path.join(dir, 'probe.ts');
    fs.writeFileSync(probe, "import fc from 'fast-check';\nexport const x = fc.integer();\n");
    try {
      expect('fast-check' in pkg.devDependencies).toBe(true);
      await expect(buildImage({ write: false, entries: { probe } })).rejects.toThrow(
        /probe\.js imports fast-check, which is not in package\.json dependencies/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps what only tests, benches and tooling use out of the runtime dependencies', () => {
    for (const dev of ['testcontainers', 'autocannon', 'fast-check', 'avsc', 'pino-pretty', 'tsx', 'esbuild'])
      expect({ dev, runtime: dev in pkg.dependencies }).toEqual({ dev, runtime: false });
    for (const name of Object.keys(pkg.dependencies)) expect(name).not.toMatch(/^@types\//);
  });
});
