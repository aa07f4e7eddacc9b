import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  removeSession,
  SESSION_FILE,
  sessionAllowed,
  withSession,
  writeSession,
  type Session,
} from './session';

describe('the running npm start handed to syncctl', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'session-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (pid = 4242) =>
    writeSession(dir, {
      pid,
      startedAt: '2026-12-07T18:00:00Z',
      env: {
        TOPIC_PREFIX: 'demo1.',
        OPERATOR_TOKEN: 'op-token-0123456789',
        PROJECTOR_READ_TOKEN: 'read-token-0123456789',
        CRM_WEBHOOK_SECRET: 'not-for-syncctl',
        PROJECTOR_PORT: '7204',
      },
    });

  it('is readable by its owner only and keeps nothing syncctl does not take', () => {
    const file = write();
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Session;
    expect(Object.keys(stored.env)).not.toContain('CRM_WEBHOOK_SECRET');
    expect(stored.env.TOPIC_PREFIX).toBe('demo1.');
  });

  it('fills only the variables the shell leaves unset', () => {
    write();
    const { added, session } = withSession({ OPERATOR_TOKEN: 'mine-0123456789abc' }, dir, () => true);
    expect(session?.pid).toBe(4242);
    expect(added).toEqual({
      TOPIC_PREFIX: 'demo1.',
      PROJECTOR_READ_TOKEN: 'read-token-0123456789',
      PROJECTOR_PORT: '7204',
    });
  });

  it('adds nothing when the shell names a deployment, when asked not to, or when the run is gone', () => {
    write();
    expect(withSession({ KAFKA_BROKERS: 'kafka.prod:9093' }, dir, () => true).added).toEqual({});
    expect(withSession({ TOPIC_PREFIX: 'prod.' }, dir, () => true).added).toEqual({});
    expect(withSession({ CRM_BASE_URL: 'https://crm.example.ir' }, dir, () => true).added).toEqual({});
    expect(withSession({ MONGODB_URI: 'mongodb://db.prod/x' }, dir, () => true).added).toEqual({});
    expect(withSession({ SYNCCTL_SESSION: 'off' }, dir, () => true).added).toEqual({});
    expect(withSession({}, dir, () => false).session).toBeUndefined();
    expect(withSession({}, dir, () => false).added).toEqual({});
  });

  it('takes an empty variable as unset, as the services do', () => {
    write();
    const { added } = withSession({ TOPIC_PREFIX: '', OPERATOR_TOKEN: '' }, dir, () => true);
    expect(added.TOPIC_PREFIX).toBe('demo1.');
    expect(added.OPERATOR_TOKEN).toBe('op-token-0123456789');
  });

  it('ignores a missing or mangled file, one others may read or write, and pids 0 and 1', () => {
    expect(withSession({}, dir, () => true).added).toEqual({});
    const file = path.join(dir, SESSION_FILE);
    fs.writeFileSync(file, '{"pid": "x"', { mode: 0o600 });
    expect(withSession({}, dir, () => true).added).toEqual({});
    write();
    fs.chmodSync(file, 0o644);
    expect(withSession({}, dir, () => true).added).toEqual({});
    for (const pid of [0, 1]) {
      write(pid);
      expect(withSession({}, dir, () => true).added).toEqual({});
    }
  });

  it('does not follow a link left where the file goes', () => {
    const elsewhere = path.join(dir, 'elsewhere.json');
    fs.writeFileSync(elsewhere, 'keep');
    fs.symlinkSync(elsewhere, path.join(dir, `${SESSION_FILE}.${process.pid}.tmp`));
    write();
    expect(fs.readFileSync(elsewhere, 'utf8')).toBe('keep');
    expect(withSession({}, dir, () => true).session?.pid).toBe(4242);
  });

  it('is removed by the run that wrote it, not by another', () => {
    const file = write(4242);
    removeSession(dir, 999);
    expect(fs.existsSync(file)).toBe(true);
    removeSession(dir, 4242);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('by default, a live pid counts only if it is an npm start (not a process that got the pid later)', () => {
    write(process.pid);
    // This test's own process is alive but is jest, not scripts/start.ts.
    expect(withSession({}, dir).session).toBeUndefined();
  });

  it('is left only beside a stack on this machine without TLS or SASL', () => {
    const local = {
      KAFKA_BROKERS: '127.0.0.1:9092',
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
      MONGODB_URI: 'mongodb://127.0.0.1:27017/siaghsync',
    };
    expect(sessionAllowed(local, {})).toBe(true);
    expect(sessionAllowed(local, { KAFKA_SSL: 'false' })).toBe(true);
    expect(sessionAllowed(local, { KAFKA_SASL_MECHANISM: 'plain' })).toBe(false);
    expect(sessionAllowed({ ...local, KAFKA_BROKERS: 'kafka.prod:9092' }, {})).toBe(false);
    expect(sessionAllowed({ ...local, MONGODB_URI: 'mongodb://u:p@127.0.0.1:27017/x' }, {})).toBe(false);
  });
});
