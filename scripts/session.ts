import fs from 'node:fs';
import path from 'node:path';

// A running `npm start` generates its own topic prefix and tokens. It leaves them in a file only its
// user can read, so `npx syncctl` in the same checkout talks to that run without six exports; the
// file goes when the run stops, and one left by a killed run is ignored (its pid is gone).

export const SESSION_FILE = 'session.json';

/** The variables a session hands to syncctl (what the services read, under the same names). */
export const SESSION_KEYS = [
  'KAFKA_BROKERS',
  'SCHEMA_REGISTRY_URL',
  'MONGODB_URI',
  'TOPIC_PREFIX',
  'OPERATOR_TOKEN',
  'PROJECTOR_READ_TOKEN',
  'OPERATOR_EVENT_KEY',
  'INGEST_PORT',
  'SYNCER_PORT',
  'POLLER_PORT',
  'PROJECTOR_PORT',
  // `syncctl backfill` and `config check --live` read the systems themselves.
  'CRM_BASE_URL',
  'CRM_USERNAME',
  'CRM_PASSWORD',
  'CRM_UPDATE_MODE',
  'SIAGH_BASE_URL',
  'SIAGH_USERNAME',
  'SIAGH_PASSWORD',
] as const;

/**
 * Variables that say "this shell points somewhere on purpose": when any is set, a local session
 * must not mix its prefix, tokens or simulators into that deployment's settings.
 */
const DELIBERATE = [
  'KAFKA_BROKERS',
  'SCHEMA_REGISTRY_URL',
  'MONGODB_URI',
  'TOPIC_PREFIX',
  'SYNCCTL_HOST',
  'PROJECTOR_URL',
  'CRM_BASE_URL',
  'SIAGH_BASE_URL',
] as const;

/** Set as the services' config reads it: an empty value is unset (shared/src/config.ts). */
const isSet = (v: string | undefined): boolean => v !== undefined && v !== '';

export interface Session {
  pid: number;
  startedAt: string;
  env: Partial<Record<(typeof SESSION_KEYS)[number], string>>;
}

/**
 * Whether a run may leave a session file: only beside a stack on this machine. A deployment's own
 * Kafka and database come with settings (TLS, SASL, credentials) that belong in its operator's
 * environment, not in a file here.
 */
export function sessionAllowed(endpoints: Record<string, string>, env: NodeJS.ProcessEnv): boolean {
  const local = Object.values(endpoints).every((v) =>
    v.split(',').every((a) => /^(\w+:\/\/)?(127\.0\.0\.1|localhost)[:/]/.test(a)),
  );
  const secured = ['KAFKA_SSL', 'KAFKA_SASL_MECHANISM', 'SCHEMA_REGISTRY_USERNAME'].some(
    (k) => isSet(env[k]) && env[k] !== 'false',
  );
  return local && !secured;
}

export function writeSession(
  stackDir: string,
  given: { pid: number; startedAt: string; env: Record<string, string | undefined> },
): string {
  // Only what syncctl takes: the webhook secret and the like stay out of the file.
  const env = Object.fromEntries(SESSION_KEYS.flatMap((k) => (given.env[k] ? [[k, given.env[k]]] : [])));
  const session: Session = { pid: given.pid, startedAt: given.startedAt, env };
  const file = path.join(stackDir, SESSION_FILE);
  fs.mkdirSync(stackDir, { recursive: true });
  // Written under another name and renamed: a reader never sees half a file. Created afresh ('wx'),
  // so the mode is ours and no link left at that name is followed.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.rmSync(tmp, { force: true });
  fs.writeFileSync(tmp, JSON.stringify(session, null, 2), { mode: 0o600, flag: 'wx' });
  fs.renameSync(tmp, file);
  return file;
}

/** Removes the file if it is still this process's (a newer run may have replaced it). */
export function removeSession(stackDir: string, pid = process.pid): void {
  const file = path.join(stackDir, SESSION_FILE);
  if (readSessionFile(file)?.pid === pid) fs.rmSync(file, { force: true });
}

function readSessionFile(file: string): Session | undefined {
  try {
    // Ours alone, or not trusted: a file another user could have written or read could point
    // syncctl (and the tokens the shell holds) elsewhere.
    const st = fs.lstatSync(file);
    const uid = process.getuid?.();
    if (!st.isFile() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0) return undefined;
    const s = JSON.parse(fs.readFileSync(file, 'utf8')) as Session;
    return Number.isInteger(s.pid) && s.pid > 1 && s.env && typeof s.env === 'object' ? s : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The run that wrote the file is still running: its pid is alive and, where /proc tells, is an
 * `npm start` (scripts/start.ts), not another process that got the pid of a run killed with -9.
 */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone. EPERM: another user's process, so not the run that wrote our file.
    return false;
  }
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('scripts/start.ts');
  } catch {
    return process.platform !== 'linux';
  }
}

/**
 * What syncctl adds to the shell's environment: the running session's variables the shell leaves
 * unset (the shell's own always win). Nothing is added when the shell names a deployment itself, when
 * there is no session, or when the run that wrote it is gone.
 */
export function withSession(
  env: NodeJS.ProcessEnv,
  stackDir: string,
  isAlive: (pid: number) => boolean = isRunning,
): { added: Record<string, string>; session?: Session; file: string } {
  const file = path.join(stackDir, SESSION_FILE);
  if (env.SYNCCTL_SESSION === 'off' || DELIBERATE.some((k) => isSet(env[k]))) return { added: {}, file };
  const session = readSessionFile(file);
  if (!session || !isAlive(session.pid)) return { added: {}, file };
  const added: Record<string, string> = {};
  for (const k of SESSION_KEYS) {
    const v = session.env[k];
    if (typeof v === 'string' && !isSet(env[k])) added[k] = v;
  }
  return { added, session, file };
}
