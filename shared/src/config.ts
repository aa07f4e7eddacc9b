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
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data as z.infer<S>;
  const issues = result.error.issues.map((issue) => ({
    variable: issue.path.join('.') || '(root)',
    problem: issue.message,
  }));
  throw new ConfigError(scope, issues);
}

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
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(32).default(1),
  KAFKA_MIN_INSYNC_REPLICAS: z.coerce.number().int().min(1).max(32).default(1),
  SCHEMA_REGISTRY_USERNAME: z.string().min(1).optional(),
  SCHEMA_REGISTRY_PASSWORD: z.string().min(1).optional(),
};

/** Prints the error and exits; for main.ts files only. */
export function exitOnConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  throw error;
}
