import { z } from 'zod';

// Standalone configuration: parse once, name every bad variable at once, exit 1.

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
export const optionalInt = z.coerce.number().int().optional();
export const optionalNonNegInt = z.coerce.number().int().nonnegative().optional();
/** z.coerce.boolean() turns "false" into true, so booleans are parsed explicitly. */
export const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

export function parseEnv<T extends z.ZodRawShape>(
  shape: T,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<T>> {
  // Empty strings count as unset, like most dotenv tooling.
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const r = z.object(shape).safeParse(clean);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  process.stderr.write(`Invalid environment:\n${lines.join('\n')}\n`);
  process.exit(1);
}

/** Stops on SIGTERM/SIGINT after the server has closed its connections. */
export function onShutdown(close: () => Promise<void>, log: { info(msg: string): void }): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info(`${signal} received, shutting down`);
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
