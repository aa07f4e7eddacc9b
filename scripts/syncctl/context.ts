import { createLogger } from '@siaghsync/shared/logger';
import { createKafka, kafkaConnection, type Admin, type Kafka } from '@siaghsync/shared/kafka/index';
import { loadCtlConfig, type CtlConfig } from './config';
import { CliError, EXIT, isUnreachable } from './errors';
import { Output } from './output';

export interface Ctx {
  out: Output;
  /** Parsed on first use: a bad variable fails the command that needs it (exit 78), not `--help`. */
  cfg(): CtlConfig;
  /** The Kafka client (syncctl's quiet logger), for commands that also produce. */
  kafka(): Kafka;
  /** A connected admin client; closed by `close()`. */
  admin(): Promise<Admin>;
  close(): Promise<void>;
}

export function createCtx(json: boolean, env: NodeJS.ProcessEnv = process.env): Ctx {
  let cfg: CtlConfig | undefined;
  let admin: Admin | undefined;
  let kafka: Kafka | undefined;
  const ctx: Ctx = {
    out: new Output(json),
    cfg: () => (cfg ??= loadCtlConfig(env)),
    kafka() {
      if (kafka) return kafka;
      // kafkajs logs through pino; a CLI keeps it quiet (on stderr) unless SYNCCTL_LOG_LEVEL asks for more.
      const logger = createLogger(
        { service: 'syncctl', level: env.SYNCCTL_LOG_LEVEL ?? 'silent' },
        process.stderr,
      );
      kafka = createKafka({ ...kafkaConnection(ctx.cfg()), clientId: 'siaghsync-syncctl', logger });
      return kafka;
    },
    async admin() {
      if (admin) return admin;
      const c = ctx.cfg();
      const a = ctx.kafka().admin();
      try {
        await withTimeout(a.connect(), c.SYNCCTL_TIMEOUT_MS * 2, 'connect');
      } catch (err) {
        await a.disconnect().catch(() => undefined);
        throw kafkaError(c, err);
      }
      admin = a;
      return a;
    },
    async close() {
      await admin?.disconnect().catch(() => undefined);
    },
  };
  return ctx;
}

/** A failed connect or send: "not reachable" (exit 3) when nothing answered in time, else the error itself. */
export function kafkaError(c: CtlConfig, err: unknown): unknown {
  if (!isUnreachable(err) && (err as Error).name !== 'TimeoutError') return err;
  return new CliError(
    EXIT.unreachable,
    `Kafka is not reachable at ${c.KAFKA_BROKERS.join(',')}`,
    'start the stack (npm run stack -- up) or set KAFKA_BROKERS',
  );
}

/** Rejects with a TimeoutError after ms; kafkajs retries for a long time before giving up on its own. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`${what} timed out after ${ms} ms`), { name: 'TimeoutError' })),
      ms,
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** The operator token or a config error saying where it comes from. */
export function operatorToken(ctx: Ctx): string {
  const t = ctx.cfg().OPERATOR_TOKEN;
  if (!t)
    throw new CliError(
      EXIT.config,
      'OPERATOR_TOKEN is not set: operator actions need the token the projector was started with',
      '`npm start` prints it; export OPERATOR_TOKEN=<token>',
    );
  return t;
}
