import type { Response } from 'express';
import type { z } from 'zod';

// CRM error answers (see ASSUMPTIONS.md): malformed body 400, unknown id 404, business refusal
// (duplicate customer number, missing name) HTTP 200 with success:false.

export function parseBody<T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  body: unknown,
  res: Response,
): T | undefined {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  res.status(400).json({
    success: false,
    message: 'The request is invalid.',
    errors: r.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
  });
  return undefined;
}

export function notFound(res: Response, message = 'رکورد مورد نظر یافت نشد.'): void {
  res.status(404).json({ success: false, message });
}

export function refused(res: Response, message: string): void {
  res.status(200).json({ crmId: null, success: false, message });
}
