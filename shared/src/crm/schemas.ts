// Shapes of the CRM's answers. `.passthrough()` everywhere the real API returns more than we read:
// we validate what we rely on and keep the rest (an update sends the record back whole).

import { z } from 'zod';
import { parseResponse } from '../http/parseResponse';

const nullableString = z.string().nullable().optional();

export const loginResponseSchema = z
  .object({
    accessToken: z.string().min(1),
    refreshToken: z.string().nullable().optional(),
    expiresAt: z.string().nullable().optional(),
  })
  .passthrough();

export const identitySimpleSchema = z
  .object({ identityId: z.string().min(1), nickName: nullableString, customerNo: nullableString })
  .passthrough();
export const identityListSchema = z.array(identitySimpleSchema);
export type IdentitySimple = z.infer<typeof identitySimpleSchema>;

export const phoneContactSchema = z
  .object({
    default: z.boolean().nullable().optional(),
    phoneType: nullableString,
    phoneNumber: nullableString,
  })
  .passthrough();
export const addressContactSchema = z
  .object({
    default: z.boolean().nullable().optional(),
    city: nullableString,
    address: nullableString,
    zipCode: nullableString,
  })
  .passthrough();

export const identitySchema = z
  .object({
    crmId: z.string().min(1),
    identityType: z.union([z.literal(1), z.literal(2)]).optional(),
    nickName: nullableString,
    firstName: nullableString,
    lastName: nullableString,
    email: nullableString,
    phoneContacts: z.array(phoneContactSchema).nullable().optional(),
    addressContacts: z.array(addressContactSchema).nullable().optional(),
    nationalCode: nullableString,
    economicCode: nullableString,
    customerNumber: nullableString,
    description: nullableString,
    creatDate: nullableString,
    modifyDate: nullableString,
  })
  .passthrough();
export type CrmIdentityRecord = z.infer<typeof identitySchema>;

/** Answer of create/update/delete: `{crmId, success, message}`. */
export const mutationResponseSchema = z
  .object({
    crmId: z.string().nullable().optional(),
    success: z.boolean(),
    message: z.string().nullable().optional(),
  })
  .passthrough();

export const quoteDetailSchema = z
  .object({
    productCode: nullableString,
    productId: nullableString,
    productName: nullableString,
    productUnitTypeName: nullableString,
    count: z.number(),
    baseUnitPrice: z.number(),
    finalUnitPrice: z.number().optional(),
    totalDiscount: z.number().optional(),
    totalVat: z.number().optional(),
  })
  .passthrough();

export const quoteSchema = z
  .object({
    crmId: z.string().min(1),
    crmObjectTypeCode: z.string(),
    identityId: z.string(),
    subject: nullableString,
    description: nullableString,
    totalValue: z.number().optional(),
    discount: z.number().optional(),
    finalValue: z.number().optional(),
    vatPercent: z.number().optional(),
    creatDate: nullableString,
    modifyDate: nullableString,
    details: z.array(quoteDetailSchema),
  })
  .passthrough();
export type CrmQuoteRecord = z.infer<typeof quoteSchema>;

/** Parses an answer or throws the permanent CRM_BAD_RESPONSE naming the first bad paths. */
export const parseCrmResponse = <T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  json: unknown,
  path: string,
): T => parseResponse('CRM', schema, json, path);
