import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { IMAGE_SERVICES, RUNTIME_ASSETS } from '../../scripts/image/services';

// No Docker engine runs on these machines, so the image is never built here: these read the
// Dockerfile, .dockerignore and docker-compose.yml as text and hold them to the rules of a slim,
// non-root image without dev dependencies and a compose file without default secrets. (The
// compose int test has the compose CLI validate the file; the bundles themselves are checked by
// scripts/image/build.unit.test.ts.)

const ROOT = path.join(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** Dockerfile -> stages of instructions (comments dropped, `\` continuations joined). */
export function parseDockerfile(text: string): Stage[] {
  const logical = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of logical) {
    const m = /^(\w+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`not an instruction: ${line}`);
    const op = m[1]!.toUpperCase();
    const args = m[2]!;
    if (op === 'FROM') {
      const [from, as, name] = args.split(/\s+/);
      stages.push({ from: from!, ...(as?.toUpperCase() === 'AS' && name ? { name } : {}), instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`${op} before FROM`);
      stage.instructions.push({ op, args });
    }
  }
  return stages;
}

/** The WORKDIR in force at each instruction of a stage. */
function withWorkdir(stage: Stage): (Instruction & { workdir: string })[] {
  let workdir = '/';
  return stage.instructions.map((i) => {
    if (i.op === 'WORKDIR') workdir = path.posix.resolve(workdir, i.args);
    return { ...i, workdir };
  });
}

/** Secrets by name: whatever a service treats as one (envSecret and the ingest's lists). */
const SECRET_NAME = /(PASSWORD|SECRETS?|TOKEN|_KEY)$/;

describe('Dockerfile (read statically: no Docker engine here)', () => {
  const stages = parseDockerfile(read('Dockerfile'));
  const runtime = stages.at(-1)!;
  const ops = (stage: Stage, op: string) => stage.instructions.filter((i) => i.op === op);

  it('builds every stage on Node 24', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) expect(s.from).toMatch(/^node:24(-[a-z0-9-]+)?$/);
  });

  it('installs nothing in the runtime stage, and copies its node_modules from an --omit=dev install', () => {
    for (const run of ops(runtime, 'RUN'))
      expect(run.args).not.toMatch(/\bnpm\s+(ci|install|i)\b|\byarn\b|\bnpx\b/);
    const copy = ops(runtime, 'COPY').find((c) => /\bnode_modules\s*$/.test(c.args));
    expect(copy).toBeDefined();
    const m = /--from=(\S+)\s+(\S+)\s+\S+$/.exec(copy!.args);
    expect(m).not.toBeNull();
    const [, fromStage, source] = m!;
    const stage = stages.find((s) => s.name === fromStage);
    expect(stage).toBeDefined();
    // The install that wrote that node_modules: an npm ci run in the folder that holds it.
    const installs = withWorkdir(stage!).filter(
      (i) =>
        i.op === 'RUN' && /\bnpm ci\b/.test(i.args) && path.posix.join(i.workdir, 'node_modules') === source,
    );
    expect(installs).toHaveLength(1);
    expect(installs[0]!.args).toMatch(/--omit=dev/);
    // The patches (patches/) are applied to that install, as npm's postinstall would.
    expect(installs[0]!.args).toMatch(/patch-package/);
  });

  it('runs as a non-root user', () => {
    const users = ops(runtime, 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)!.args).not.toMatch(/^(root|0)(:|$)/);
  });

  it('starts the service with node on the built JavaScript: exec form, no npx, tsx or shell', () => {
    const cmd = ops(runtime, 'CMD').at(-1);
    expect(cmd).toBeDefined();
    const argv = JSON.parse(cmd!.args) as string[];
    expect(argv[0]).toBe('node');
    expect(argv.at(-1)).toMatch(/^dist\/.*\.js$/);
    for (const a of argv) expect(a).not.toMatch(/\b(npx|tsx|sh|bash)\b|\.ts$/);
    expect(ops(runtime, 'ENTRYPOINT')).toEqual([]);
  });

  it('copies the built code and every file it reads at run time', () => {
    const copies = ops(runtime, 'COPY').map((c) => c.args);
    expect(copies).toContainEqual(expect.stringMatching(/--from=\S+ \S*dist dist$/));
    for (const asset of RUNTIME_ASSETS)
      expect({ asset, copied: copies.some((c) => c.split(/\s+/).includes(asset)) }).toEqual({
        asset,
        copied: true,
      });
  });
});

describe('.dockerignore', () => {
  const patterns = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));

  it('keeps local secrets, state, caches and test output out of the build context', () => {
    for (const p of ['.env*', '.stack', '.cache', 'test-artifacts', 'node_modules', '.git', 'bench/results'])
      expect(patterns).toContain(p);
    // An exception such as !.env.example would let an .env.* file back in by accident; the image needs none.
    expect(patterns.filter((p) => p.startsWith('!'))).toEqual([]);
  });
});

describe('docker-compose.yml (read statically)', () => {
  const text = read('docker-compose.yml');
  const file = parse(text, { merge: true }) as {
    services: Record<string, { build?: unknown; command?: unknown; environment?: Record<string, unknown> }>;
  };

  it('ships no placeholder secret', () => {
    const lines = text.split('\n').filter((l) => !l.trim().startsWith('#'));
    expect(lines.filter((l) => /change-?me|replace-?me|placeholder/i.test(l))).toEqual([]);
  });

  it('gives no secret a default: each is required with ${NAME:?message}', () => {
    const interpolations = [...text.matchAll(/\$\{([A-Z0-9_]+)([^}]*)\}/g)];
    const secrets = interpolations.filter(([, name]) => SECRET_NAME.test(name!));
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    for (const [whole, name, rest] of secrets)
      expect({ name, whole, required: rest!.startsWith(':?') }).toEqual({ name, whole, required: true });
    // And no secret variable holds a literal value.
    for (const [service, def] of Object.entries(file.services))
      for (const [variable, value] of Object.entries(def.environment ?? {}))
        if (SECRET_NAME.test(variable))
          expect({ service, variable, value }).toEqual({
            service,
            variable,
            value: expect.stringMatching(/^\$\{[A-Z0-9_]+:\?/) as string,
          });
  });

  it('runs each part of the image by SERVICE, never through npx or tsx', () => {
    const built = Object.entries(file.services).filter(([, s]) => s.build !== undefined);
    expect(built.map(([name]) => name).sort()).toEqual([...IMAGE_SERVICES].sort());
    for (const [name, s] of built) {
      expect({ name, SERVICE: s.environment?.SERVICE }).toEqual({ name, SERVICE: name });
      expect({ name, command: s.command }).toEqual({ name, command: undefined });
    }
    expect(text.split('\n').filter((l) => /\b(npx|tsx)\b/.test(l))).toEqual([]);
  });

  it('runs three brokers, and every service creates its topics with three copies, two in sync', () => {
    const brokers = Object.entries(file.services).filter(([name]) => /^kafka-\d$/.test(name));
    expect(brokers.map(([, b]) => b.environment?.KAFKA_NODE_ID).sort()).toEqual([1, 2, 3]);
    for (const [, b] of brokers) {
      expect(b.environment?.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(
        '1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093',
      );
      expect(b.environment?.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR).toBe(2);
    }
    for (const name of IMAGE_SERVICES.filter((n) => !n.endsWith('-sim'))) {
      const env = file.services[name]?.environment ?? {};
      expect({ name, rf: env.KAFKA_REPLICATION_FACTOR, isr: env.KAFKA_MIN_INSYNC_REPLICAS }).toEqual({
        name,
        rf: 3,
        isr: 2,
      });
      expect({ name, brokers: env.KAFKA_BROKERS }).toEqual({
        name,
        brokers: 'kafka-1:9092,kafka-2:9092,kafka-3:9092',
      });
    }
  });
});
