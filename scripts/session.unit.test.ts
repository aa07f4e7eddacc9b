import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeSession, SESSION_FILE, withSession, writeSession, type Session } from './session';

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
    expect(withSession({ SYNCCTL_SESSION: 'off' }, dir, () => true).added).toEqual({});
    expect(withSession({}, dir, () => false)).toEqual({ added: {} });
  });

  it('ignores a missing or mangled file', () => {
    expect(withSession({}, dir, () => true)).toEqual({ added: {} });
    fs.writeFileSync(path.join(dir, SESSION_FILE), '{"pid": "x"');
    expect(withSession({}, dir, () => true)).toEqual({ added: {} });
  });

  it('is removed by the run that wrote it, not by another', () => {
    const file = write(4242);
    removeSession(dir, 999);
    expect(fs.existsSync(file)).toBe(true);
    removeSession(dir, 4242);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('a running process counts as alive with the default check', () => {
    write(process.pid);
    expect(withSession({}, dir).session?.pid).toBe(process.pid);
  });
});
