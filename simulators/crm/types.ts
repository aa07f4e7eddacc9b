// Record shapes of the simulated CRM, as its API returns them (see APIS.md and ASSUMPTIONS.md).

export type IdentityType = 1 | 2; // 1 person, 2 organization

export interface PhoneContact {
  default: boolean;
  phoneType: string;
  phoneNumber: string;
}

export interface AddressContact {
  default: boolean;
  country: string | null;
  state: string | null;
  city: string | null;
  address: string | null;
  zipCode: string | null;
}

export interface ExtendedProperty {
  userKey: string;
  value: string | null;
}

export interface CrmIdentity {
  crmId: string;
  identityType: IdentityType;
  crmObjectTypeCode: 'Person' | 'Organization';
  nickName: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  alternativeEmail: string | null;
  website: string | null;
  phoneContacts: PhoneContact[];
  addressContacts: AddressContact[];
  nationalCode: string | null;
  economicCode: string | null;
  registerNumber: string | null;
  customerNumber: string | null;
  customerDate: string | null;
  businessType: string | null;
  description: string | null;
  refId: string | null;
  extendedProperties: ExtendedProperty[];
  tags: string[];
  categories: string[];
  birthDate: string | null;
  gender: string | null;
  organizations: string[];
  registerDate: string | null;
  employees: string[];
  managerId: string | null;
  creatDate: string;
  modifyDate: string;
}

export interface QuoteDetail {
  productCode: string | null;
  productId: string | null;
  productName: string | null;
  productUnitTypeName: string | null;
  count: number;
  baseUnitPrice: number;
  finalUnitPrice: number;
  totalDiscount: number;
  totalVat: number;
}

export interface CrmQuote {
  crmId: string;
  /** "PI_<saleModel>" for a pre-invoice (quote), "INV_<saleModel>" for an invoice. */
  crmObjectTypeCode: string;
  identityId: string;
  number: string;
  subject: string | null;
  description: string | null;
  totalValue: number;
  vat: number;
  toll: number;
  discount: number;
  finalValue: number;
  vatPercent: number;
  tollPercent: number;
  refId: string | null;
  extendedProperties: ExtendedProperty[];
  creatDate: string;
  modifyDate: string;
  details: QuoteDetail[];
}

export type WebhookType = 'Identity' | 'Quote' | 'Invoice';
export type WebhookEvent = 'Insert' | 'Update' | 'Delete';

export interface ChangeNotice {
  event: WebhookEvent;
  id: string;
  type: WebhookType;
  subtype: string;
}

export interface CrmSubtypes {
  person: string;
  organization: string;
  quote: string;
  invoice: string;
}

export const defaultSubtypes: CrmSubtypes = {
  person: 'مخاطب حقیقی siagh',
  organization: 'مخاطب حقوقی siagh',
  quote: 'پیش فاکتور رسمی',
  invoice: 'فاکتور فروش رسمی',
};
