import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Thrown when the environment does not validate. It lists EVERY bad variable at once, so an operator
 * fixes the .env in one pass instead of one restart per mistake.
 */
export class ConfigError extends Error {
  readonly issues: { variable: string; problem: string }[];
  constructor(scope: string, issues: { variable: string; problem: string }[]) {
    super(
      `invalid ${scope} configuration:\n` +
        issues.map((i) => `  - ${i.variable}: ${i.problem}`).join('\n') +
        '\nSee .env.example for every variable, its default and its meaning.',
    );
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** The Node.js major the project pins (package.json's `node` dev dependency) and supports. */
export const SUPPORTED_NODE_MAJOR = 24;

/**
 * A runtime older than the supported one is refused at start-up: Node 20 is past its end of life, and
 * some of our dependencies declare Node 22 or later. Empty when fine, else the problem.
 */
export function runtimeProblem(version = process.versions.node): string | null {
  const major = Number(version.split('.')[0]);
  if (major >= SUPPORTED_NODE_MAJOR) return null;
  return `Node.js ${SUPPORTED_NODE_MAJOR} or later is required, this is ${version}: start it through npm (npm start, npx ...), which puts the Node that npm ci installed (node_modules/.bin/node) first`;
}

export function parseEnv<S extends z.ZodTypeAny>(
  schema: S,
  env: NodeJS.ProcessEnv,
  scope: string,
): z.infer<S> {
  const runtime = runtimeProblem();
  if (runtime !== null) throw new ConfigError(scope, [{ variable: 'node', problem: runtime }]);
  // Empty strings from `VAR=` lines in a .env mean "not set", so defaults apply.
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  const files = readFileVariables(schema, cleaned);
  const result = schema.safeParse(cleaned);
  if (result.success && files.issues.length === 0) return result.data as z.infer<S>;
  const issues = [...files.issues];
  for (const issue of result.success ? [] : result.error.issues) {
    const variable = issue.path.join('.') || '(root)';
    // A file that could not be read already has its issue; "Required" on top of it says nothing new.
    if (files.failed.has(variable)) continue;
    const from = files.read.has(variable) ? ` (from ${variable}_FILE)` : '';
    issues.push({ variable: variable + from, problem: issue.message });
  }
  throw new ConfigError(scope, issues);
}

/** The variable names of an object schema, through refinements (`z.object(...).superRefine(...)`). */
function schemaKeys(schema: z.ZodTypeAny): string[] {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape as z.ZodRawShape);
  if (schema instanceof z.ZodEffects) return schemaKeys(schema.innerType() as z.ZodTypeAny);
  if (schema instanceof z.ZodIntersection) {
    const def = schema._def as z.ZodIntersectionDef;
    return [...schemaKeys(def.left), ...schemaKeys(def.right)];
  }
  return [];
}

/**
 * Every variable X of the schema may come from a file instead: X_FILE=/run/secrets/x, the way Docker
 * and Kubernetes hand out secrets, so a secret need not sit in the environment, `docker inspect` or a
 * compose file. One trailing newline (what `echo` and editors add) is dropped. A schema that has a
 * variable named X_FILE itself (a path it reads on its own, such as KAFKA_SSL_CA_FILE) keeps it as is.
 * Fills `env` in place; the file's content is never put into a message.
 */
function readFileVariables(
  schema: z.ZodTypeAny,
  env: Record<string, string>,
): { issues: { variable: string; problem: string }[]; read: Set<string>; failed: Set<string> } {
  const keys = new Set(schemaKeys(schema));
  const issues: { variable: string; problem: string }[] = [];
  const read = new Set<string>();
  const failed = new Set<string>();
  for (const key of keys) {
    const fileVar = `${key}_FILE`;
    const path = env[fileVar];
    if (path === undefined || keys.has(fileVar)) continue;
    if (env[key] !== undefined) {
      issues.push({ variable: `${key}, ${fileVar}`, problem: 'both are set: set only one of them' });
      failed.add(key);
      continue;
    }
    let content: string;
    try {
      content = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      issues.push({
        variable: fileVar,
        problem: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      });
      failed.add(key);
      continue;
    }
    if (content === '') {
      issues.push({ variable: fileVar, problem: `${path} is empty` });
      failed.add(key);
      continue;
    }
    env[key] = content;
    read.add(key);
  }
  return { issues, read, failed };
}

/**
 * Values that are someone's template text, not a secret: compose files and READMEs ship `change-me`
 * style defaults, and a service started with one is open to anyone who read the same file. Refused
 * by every secret variable (envSecret, and the ingest's secret lists). Deliberately narrow: whole
 * words and obvious fillers only, so a real secret that merely contains "secret" or "test" passes
 * (the simulators' `admin` passes too: it is their documented demo login, not a placeholder).
 */
export function isPlaceholderSecret(value: string): boolean {
  const v = value.trim();
  if (/^(<.*>|\$\{.*\}|\{\{.*\}\})$/.test(v)) return true; // a template left unexpanded
  const word = v.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (word === '') return true;
  if (/^(.)\1*$/.test(word)) return true; // xxxxxxxx, 00000000
  if (/changeme|replaceme|placeholder|setme|yoursecret|yourtoken|yourpassword/.test(word)) return true;
  if (/^(example|dummy)/.test(word)) return true;
  return PLACEHOLDER_WORDS.has(word);
}

const PLACEHOLDER_WORDS = new Set([
  'secret',
  'secrets',
  'password',
  'passwd',
  'pass',
  'token',
  'apikey',
  'key',
  'default',
  'test',
  'todo',
  'tbd',
  'fixme',
  'none',
  'null',
  'undefined',
  'empty',
  '123456',
  '12345678',
  '1234567890',
  'qwerty',
]);

export const PLACEHOLDER_SECRET_MESSAGE =
  'a placeholder (change-me, example, secret, password, xxx...), not a secret: set a real one';

/**
 * A secret variable: at least `minLength` characters (16 = a token nobody guesses; 1 for a password of
 * a system we do not run, whose rules are not ours) and no placeholder. Like every variable, it can
 * also be given as X_FILE (parseEnv).
 */
export const envSecret = (minLength = 16) =>
  z
    .string()
    .min(minLength, minLength === 1 ? 'must not be empty' : `at least ${minLength} characters`)
    .refine((v) => !isPlaceholderSecret(v), PLACEHOLDER_SECRET_MESSAGE);

/**
 * `z.coerce.boolean()` turns the string "false" into true; operators write "false", "0", "no".
 */
export const envBoolean = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
      errorMap: () => ({ message: 'expected true or false' }),
    })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes' || v === 'on');

export const envPort = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

export const envUrl = (fallback?: string) =>
  fallback === undefined ? z.string().url() : z.string().url().default(fallback);

/** Comma-separated host:port list, as Kafka clients expect. */
export const envBrokers = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) => s.split(',').map((b) => b.trim()))
    .refine((list) => list.every((b) => /^[\w.-]+:\d+$/.test(b)), 'expected host:port[,host:port...]');

/** Common infrastructure variables every Kafka-using service reads (each adds its own). */
export const infraEnv = {
  KAFKA_BROKERS: envBrokers('127.0.0.1:9092'),
  KAFKA_CLIENT_ID: z.string().optional(),
  SCHEMA_REGISTRY_URL: envUrl('http://127.0.0.1:8081/apis/ccompat/v7'),
  TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/, 'letters, digits, dot, underscore or dash')
    .default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // How clients reach a secured cluster and registry, and how many copies a topic keeps; checked
  // together by kafka/connection.ts (securityProblems), since zod sees each variable alone.
  KAFKA_SSL: envBoolean(false),
  KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
  KAFKA_SSL_CERT_FILE: z.string().min(1).optional(),
  KAFKA_SSL_KEY_FILE: z.string().min(1).optional(),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: envSecret(1).optional(),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(32).default(1),
  KAFKA_MIN_INSYNC_REPLICAS: z.coerce.number().int().min(1).max(32).default(1),
  SCHEMA_REGISTRY_USERNAME: z.string().min(1).optional(),
  SCHEMA_REGISTRY_PASSWORD: envSecret(1).optional(),
};

/** Prints the error and exits; for main.ts files only. */
export function exitOnConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  throw error;
}
