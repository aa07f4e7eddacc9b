import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';

// `npm ci` runs on whatever Node the machine has (the project's own Node 24 arrives with it), and npm
// warns EBADENGINE for every installed package whose `engines.node` excludes that Node. The README
// promises a quiet install from the npm of Node 20.19 on, so every package the lockfile installs must
// accept it, as npm itself checks it (npm-install-checks: semver.satisfies, prereleases included).

const ROOT = path.join(__dirname, '../..');
const OLDEST_INSTALLING_NODE = '20.19.0';

interface LockedPackage {
  version?: string;
  optional?: boolean;
  engines?: { node?: string } | string[];
}

function lockedPackages(): [string, LockedPackage][] {
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockedPackage>;
  };
  return Object.entries(lock.packages).filter(([where]) => where.includes('node_modules/'));
}

export function engineRefusals(packages: [string, LockedPackage][], nodeVersion: string): string[] {
  return packages.flatMap(([where, pkg]) => {
    const range = Array.isArray(pkg.engines) ? undefined : pkg.engines?.node;
    if (pkg.optional || range === undefined) return [];
    return semver.satisfies(nodeVersion, range, { includePrerelease: true })
      ? []
      : [`${where}@${pkg.version ?? '?'} wants node ${range}`];
  });
}

describe('npm ci on an older Node warns of no engine', () => {
  it(`every package the lockfile installs accepts Node ${OLDEST_INSTALLING_NODE}`, () => {
    expect(engineRefusals(lockedPackages(), OLDEST_INSTALLING_NODE)).toEqual([]);
  });

  it('finds a package that would warn', () => {
    const pkgs: [string, LockedPackage][] = [
      ['node_modules/a', { version: '4.1.0', engines: { node: '>=22.0.0' } }],
      ['node_modules/b', { version: '1.0.0', engines: { node: '>=22.0.0' }, optional: true }],
      ['node_modules/c', { version: '1.0.0', engines: { node: '^20.19.0 || >=22' } }],
    ];
    expect(engineRefusals(pkgs, '20.19.0')).toEqual(['node_modules/a@4.1.0 wants node >=22.0.0']);
  });

  it('pins the schema registry client to a release that declares no Node 22 floor', () => {
    // 4.1.0 differs from 3.9.0 by an `updateConfig` option we do not use, ajv 8 (kept through
    // package.json's overrides) and `engines: node >= 22`, the one EBADENGINE of the install.
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      overrides: Record<string, Record<string, string>>;
    };
    expect(manifest.dependencies['@kafkajs/confluent-schema-registry']).toBe('3.9.0');
    expect(manifest.overrides['@kafkajs/confluent-schema-registry']).toEqual({ ajv: '^8.18.0' });
  });
});
