import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, envSecret, isPlaceholderSecret, parseEnv } from './config';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('placeholder secrets', () => {
  it.each([
    'change-me-operator-token',
    'change-me-crm-webhook-secret',
    'CHANGE_ME',
    'changeme',
    'please-change-me-now-0123',
    'replace-me-with-a-real-token',
    'placeholder-token-value',
    'secret',
    'Password',
    'example-webhook-secret-abc',
    'xxxxxxxxxxxxxxxxxxxx',
    '0000000000000000',
    '<operator token>',
    '${OPERATOR_TOKEN}',
    '{{ secret }}',
    '',
  ])('refuses %j', (value) => {
    expect(isPlaceholderSecret(value)).toBe(true);
  });

  it.each([
    // The values the tests, benches and the simulators' demo login use: real enough.
    'test-operator-token-0123456789',
    'test-crm-secret-0123456789',
    'bench-e2e-webhook-secret-0123456789',
    'admin',
    'Qm9vdHN0cmFwLXNlY3JldA_-8k2x',
    'u4S9cVbN0qk2L7rXyF3wZ1mT',
  ])('accepts %j', (value) => {
    expect(isPlaceholderSecret(value)).toBe(false);
  });

  it('envSecret names the variable and says why, without echoing the value', () => {
    const schema = z.object({ OPERATOR_TOKEN: envSecret(16), CRM_PASSWORD: envSecret(1) });
    const err = configError(() =>
      parseEnv(schema, { OPERATOR_TOKEN: 'change-me-operator-token', CRM_PASSWORD: 'password' }, 'projector'),
    );
    expect(err.issues).toEqual([
      { variable: 'OPERATOR_TOKEN', problem: expect.stringContaining('a placeholder') as string },
      { variable: 'CRM_PASSWORD', problem: expect.stringContaining('a placeholder') as string },
    ]);
    expect(err.message).not.toContain('change-me-operator-token');
    expect(
      configError(() => parseEnv(schema, { OPERATOR_TOKEN: 'short', CRM_PASSWORD: 'admin' }, 't')).issues,
    ).toEqual([{ variable: 'OPERATOR_TOKEN', problem: 'at least 16 characters' }]);
    expect(
      parseEnv(schema, { OPERATOR_TOKEN: 'u4S9cVbN0qk2L7rXyF3wZ1mT', CRM_PASSWORD: 'admin' }, 't'),
    ).toEqual({
      OPERATOR_TOKEN: 'u4S9cVbN0qk2L7rXyF3wZ1mT',
      CRM_PASSWORD: 'admin',
    });
  });
});

describe('X_FILE variables', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envfile-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };

  const schema = z
    .object({
      OPERATOR_TOKEN: envSecret(16).optional(),
      PORT: z.coerce.number().int().default(7204),
      // A variable that is itself a path: its name ends in _FILE, so it is no file reference.
      CA_FILE: z.string().optional(),
      CA: z.string().optional(),
    })
    .superRefine(() => undefined);

  it('reads the value from the file, dropping one trailing newline only', () => {
    const token = write('token', 'u4S9cVbN0qk2L7rXyF3wZ1mT\n');
    expect(parseEnv(schema, { OPERATOR_TOKEN_FILE: token }, 't').OPERATOR_TOKEN).toBe(
      'u4S9cVbN0qk2L7rXyF3wZ1mT',
    );
    const crlf = write('crlf', 'u4S9cVbN0qk2L7rXyF3wZ1mT\r\n');
    expect(parseEnv(schema, { OPERATOR_TOKEN_FILE: crlf }, 't').OPERATOR_TOKEN).toBe(
      'u4S9cVbN0qk2L7rXyF3wZ1mT',
    );
    const two = write('two', 'u4S9cVbN0qk2L7rXyF3wZ1mT\n\n');
    expect(parseEnv(schema, { OPERATOR_TOKEN_FILE: two }, 't').OPERATOR_TOKEN).toBe(
      'u4S9cVbN0qk2L7rXyF3wZ1mT\n',
    );
  });

  it('works for any variable of the schema, through refinements', () => {
    expect(parseEnv(schema, { PORT_FILE: write('port', '8000\n') }, 't').PORT).toBe(8000);
  });

  it('leaves a schema variable whose own name ends in _FILE alone', () => {
    const cfg = parseEnv(schema, { CA_FILE: '/etc/ssl/ca.pem' }, 't');
    expect(cfg.CA_FILE).toBe('/etc/ssl/ca.pem');
    expect(cfg.CA).toBeUndefined();
  });

  it('refuses both X and X_FILE, naming both', () => {
    const token = write('both', 'u4S9cVbN0qk2L7rXyF3wZ1mT');
    const err = configError(() =>
      parseEnv(
        schema,
        { OPERATOR_TOKEN: 'u4S9cVbN0qk2L7rXyF3wZ1mT', OPERATOR_TOKEN_FILE: token },
        'projector',
      ),
    );
    expect(err.issues).toEqual([
      { variable: 'OPERATOR_TOKEN, OPERATOR_TOKEN_FILE', problem: 'both are set: set only one of them' },
    ]);
  });

  it('names the _FILE variable when the file is missing or empty, and lists every problem at once', () => {
    const missing = path.join(dir, 'nope');
    const err = configError(() =>
      parseEnv(schema, { OPERATOR_TOKEN_FILE: missing, PORT_FILE: write('empty', '\n') }, 't'),
    );
    expect(err.issues).toEqual([
      { variable: 'OPERATOR_TOKEN_FILE', problem: `cannot read ${missing}: ENOENT` },
      { variable: 'PORT_FILE', problem: `${path.join(dir, 'empty')} is empty` },
    ]);
  });

  it('validates the file content like the variable, saying where it came from, never what it is', () => {
    const err = configError(() =>
      parseEnv(schema, { OPERATOR_TOKEN_FILE: write('placeholder', 'change-me-operator-token\n') }, 't'),
    );
    expect(err.issues).toEqual([
      {
        variable: 'OPERATOR_TOKEN (from OPERATOR_TOKEN_FILE)',
        problem: expect.stringContaining('placeholder') as string,
      },
    ]);
    expect(err.message).not.toContain('change-me-operator-token');
  });

  it('does not read files for variables outside the schema', () => {
    const cfg = parseEnv(schema, { OTHER_FILE: path.join(dir, 'does-not-exist') }, 't');
    expect(cfg).toEqual({ PORT: 7204 });
  });
});
