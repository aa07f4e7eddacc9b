// Shapes of Siagh's answers. Siagh returns many more columns than we read: `.passthrough()` keeps them.

import { z } from 'zod';
import { parseResponse } from '../http/parseResponse';

const intLike = z.union([
  z.number(),
  z
    .string()
    .regex(/^\s*\d+\s*$/)
    .transform((s) => Number(s)),
]);

export const loginResponseSchema = z
  .object({
    SessionId: z.string().min(1),
    FiscalYear: intLike,
    SystemDate: z.string().regex(/^\d{4}\/\d{1,2}\/\d{1,2}$/, 'expected a Jalali date like 1404/09/04'),
    UserCode: intLike.nullable().optional(),
    BranchCode: intLike.nullable().optional(),
    ContactCode: intLike.nullable().optional(),
  })
  .passthrough();

export const contactSchema = z
  .object({
    Code: intLike,
    tmpid: z.union([z.string(), z.number()]).nullable().optional(),
    Name: z.string().nullable().optional(),
    IsActive: z.boolean().nullable().optional(),
    TowardType: z.boolean().nullable().optional(),
  })
  .passthrough();
export const contactListSchema = z.array(contactSchema);
export type SiaghContact = z.infer<typeof contactSchema>;

export const formErrorSchema = z
  .object({
    ColName: z.string().nullable().optional(),
    ErrorType: z.string(),
    Description: z.string().nullable().optional(),
    ErrorCode: z.union([z.number(), z.string()]).nullable().optional(),
  })
  .passthrough();
export type SiaghFormError = z.infer<typeof formErrorSchema>;

export const saveFormResponseSchema = z
  .object({
    Errors: z.array(formErrorSchema).nullable().optional(),
    FinalMessages: z.array(z.string()).nullable().optional(),
    ReturnValue: z.boolean(),
    ReturnCode: z.union([z.string(), z.number()]).nullable().optional(),
    ReturnParams: z.string().nullable().optional(),
  })
  .passthrough();
export type SaveFormResponse = z.infer<typeof saveFormResponseSchema>;

export const preInvoiceSchema = z
  .object({
    ShomareSanad: intLike,
    CodeMoshtari: intLike.nullable().optional(),
    Tozihat: z.string().nullable().optional(),
  })
  .passthrough();
export const preInvoiceListSchema = z.array(preInvoiceSchema);
export type SiaghPreInvoice = z.infer<typeof preInvoiceSchema>;

/** Parses an answer or throws the permanent SIAGH_BAD_RESPONSE naming the first bad paths. */
export const parseSiaghResponse = <T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  json: unknown,
  path: string,
): T => parseResponse('SIAGH', schema, json, path);
