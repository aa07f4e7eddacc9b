import { z } from 'zod';

// Request bodies the CRM accepts. The real CRM ignores unknown properties (ASP.NET model
// binding), so these schemas are not strict; but a wrongly typed field is refused (400).

const str = z.string().nullable().optional();

export const phoneContactSchema = z.object({
  default: z.boolean().default(false),
  phoneType: z.string().default('Mobile'),
  phoneNumber: z.string(),
});

export const addressContactSchema = z.object({
  default: z.boolean().default(false),
  country: z.string().nullable().default(null),
  state: z.string().nullable().default(null),
  city: z.string().nullable().default(null),
  address: z.string().nullable().default(null),
  zipCode: z.string().nullable().default(null),
});

export const extendedPropertySchema = z.object({ userKey: z.string().min(1), value: z.string().nullable() });

export const identityInputSchema = z.object({
  nickName: str,
  firstName: str,
  lastName: str,
  email: str,
  alternativeEmail: str,
  website: str,
  phoneContacts: z.array(phoneContactSchema).optional(),
  addressContacts: z.array(addressContactSchema).optional(),
  nationalCode: str,
  economicCode: str,
  registerNumber: str,
  customerNumber: str,
  customerDate: str,
  businessType: str,
  description: str,
  refId: str,
  extendedProperties: z.array(extendedPropertySchema).optional(),
  tags: z.array(z.string()).optional(),
  categories: z.array(z.string()).optional(),
  birthDate: str,
  gender: str,
  organizations: z.array(z.string()).optional(),
  registerDate: str,
  employees: z.array(z.string()).optional(),
  managerId: str,
});
export type IdentityInput = z.infer<typeof identityInputSchema>;

export const idSchema = z.object({ id: z.string().min(1) });
export const identityUpdateSchema = identityInputSchema.extend({ id: z.string().min(1) });

export const listSchema = z.object({
  pageNumber: z.number().int().nonnegative().optional(),
  pageSize: z.number().int().positive().optional(),
  searchTerm: z.string().nullable().optional(),
  identityType: z
    .union([z.literal(1), z.literal(2)])
    .nullable()
    .optional(),
});
export type ListInput = z.infer<typeof listSchema>;

export const quoteDetailSchema = z.object({
  productCode: str,
  productId: str,
  productName: str,
  productUnitTypeName: str,
  count: z.number(),
  baseUnitPrice: z.number(),
  finalUnitPrice: z.number().optional(),
  totalDiscount: z.number().optional(),
});

export const quoteInputSchema = z.object({
  crmObjectTypeCode: z
    .string()
    .regex(/^(PI|INV)_\d+$/)
    .optional(),
  identityId: z.string().optional(),
  subject: str,
  description: str,
  discount: z.number().optional(),
  vatPercent: z.number().min(0).optional(),
  tollPercent: z.number().min(0).optional(),
  refId: str,
  extendedProperties: z.array(extendedPropertySchema).optional(),
  details: z.array(quoteDetailSchema).optional(),
});
export type QuoteInput = z.infer<typeof quoteInputSchema>;
export const quoteUpdateSchema = quoteInputSchema.extend({ id: z.string().min(1) });

export const loginSchema = z.object({
  username: z.string(),
  password: z.string(),
  deviceId: z.string().optional(),
  platformType: z.union([z.number(), z.string()]).optional(),
  os: z.string().optional(),
  osVersion: z.string().optional(),
  token: z.string().nullable().optional(),
});

export const refreshSchema = z.object({ refreshToken: z.string().min(1) });
