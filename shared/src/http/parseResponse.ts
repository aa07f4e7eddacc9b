import type { z } from 'zod';
import { permanent } from '../errors';
import type { SystemName } from './statusErrors';

/**
 * Parses a system's answer, or throws the permanent `<SYSTEM>_BAD_RESPONSE` naming the first bad
 * paths: an unexpected shape is a clear typed error, never a crash or a silent undefined later on.
 */
export function parseResponse<T>(
  system: SystemName,
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  json: unknown,
  path: string,
): T {
  const r = schema.safeParse(json);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  const label = system === 'CRM' ? 'CRM' : 'Siagh';
  throw permanent(
    `${system}_BAD_RESPONSE`,
    `unexpected answer from ${label} ${path}: ${issues.slice(0, 5).join('; ')}`,
    { cause: r.error, details: { path, issues } },
  );
}
