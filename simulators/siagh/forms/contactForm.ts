import type { ContactFields, SiaghStore } from '../store';
import type { SiaghContact } from '../types';
import { tableFields } from '../ctrlValues';
import { ErrorCodes, failed, formError, succeeded, type FormError, type FormResult } from './result';

// Form 2BFDA (contacts). `parameters`: "CodeMain=" creates, "CodeMain=<Code>" updates.

export const CONTACT_FORM_ID = '2BFDA';
export const CONTACT_TABLE = 'gn_web_users';

type Kind = 'text' | 'int' | 'bool';

/** ctrlValues field (gn_web_users.<field>) -> contact property. Documented in ASSUMPTIONS.md. */
export const CONTACT_FIELDS: Record<string, { prop: keyof ContactFields; kind: Kind }> = {
  fullname: { prop: 'Name', kind: 'text' },
  nickname: { prop: 'NickName', kind: 'text' },
  firstname: { prop: 'FirstName', kind: 'text' },
  lastname: { prop: 'LastName', kind: 'text' },
  mobileno: { prop: 'MobileNo', kind: 'text' },
  telno: { prop: 'TelNo', kind: 'text' },
  fax: { prop: 'Fax', kind: 'text' },
  email: { prop: 'Email', kind: 'text' },
  address: { prop: 'Address', kind: 'text' },
  postalcode: { prop: 'PostalCode', kind: 'text' },
  citycode: { prop: 'CityCode', kind: 'int' },
  countrycode: { prop: 'CountryCode', kind: 'int' },
  nationalcode: { prop: 'NationalCode', kind: 'text' },
  economiccode: { prop: 'EconomicCode', kind: 'text' },
  registerno: { prop: 'RegisterNo', kind: 'text' },
  tmpid: { prop: 'tmpid', kind: 'text' },
  isactive: { prop: 'IsActive', kind: 'bool' },
  towardtype: { prop: 'TowardType', kind: 'bool' },
  description: { prop: 'Description', kind: 'text' },
};

export const DUPLICATE_PHONE_MESSAGE = 'شماره تلفن نمی تواند تکراری باشد.';
export const SAVED_MESSAGE = 'اطلاعات با موفقیت ذخیره شد.';

/** Converts the form's text values; unknown fields are ignored, as the real form ignores them. */
export function contactFieldsFrom(ctrlValues: string): { fields: ContactFields; errors: FormError[] } {
  const fields: Record<string, unknown> = {};
  const errors: FormError[] = [];
  for (const [name, raw] of tableFields(ctrlValues, CONTACT_TABLE)) {
    const def = CONTACT_FIELDS[name];
    if (!def) continue;
    if (def.kind === 'text') {
      fields[def.prop] = raw === '' ? null : raw;
    } else if (def.kind === 'int') {
      if (raw === '') fields[def.prop] = null;
      else if (/^-?\d+$/.test(raw.trim())) fields[def.prop] = Number(raw.trim());
      else errors.push(formError(name, ErrorCodes.invalidValue, `مقدار فیلد ${name} نامعتبر است.`));
    } else {
      const v = raw.trim().toLowerCase();
      if (v === '1' || v === 'true') fields[def.prop] = true;
      else if (v === '0' || v === 'false') fields[def.prop] = false;
      else errors.push(formError(name, ErrorCodes.invalidValue, `مقدار فیلد ${name} نامعتبر است.`));
    }
  }
  return { fields: fields, errors };
}

/** Shared by the form and by admin "UI" edits: the same rules a user in Siagh's UI meets. */
export function saveContact(store: SiaghStore, code: number | undefined, fields: ContactFields): FormResult {
  const old = code === undefined ? undefined : store.contacts.get(code);
  const merged = { ...old, ...fields } as Partial<SiaghContact>;
  const refuse = (error: FormError) => {
    const tmpid = merged.tmpid === null || merged.tmpid === undefined ? null : String(merged.tmpid);
    store.refused(code === undefined ? 'create' : 'update', code, fields, tmpid, error.Description);
    return failed([error]);
  };
  if (code !== undefined && !old) {
    return refuse(formError('CodeMain', ErrorCodes.notFound, 'رکورد مورد نظر یافت نشد.'));
  }
  if (!merged.Name?.trim()) {
    return refuse(formError('fullname', ErrorCodes.required, 'نام نمی تواند خالی باشد.'));
  }
  const dup = store.duplicatePhone({ MobileNo: merged.MobileNo ?? null, TelNo: merged.TelNo ?? null }, code);
  if (dup) {
    return refuse(formError(dup.toLowerCase(), ErrorCodes.duplicatePhone, DUPLICATE_PHONE_MESSAGE));
  }
  const saved = code === undefined ? store.createContact(fields) : store.updateContact(code, fields);
  return succeeded(saved?.Code ?? '', SAVED_MESSAGE);
}

export function contactForm(store: SiaghStore, ctrlValues: string, params: Map<string, string>): FormResult {
  const { fields, errors } = contactFieldsFrom(ctrlValues);
  const codeMain = params.get('codemain') ?? '';
  const code = codeMain === '' ? undefined : Number(codeMain);
  const refuse = (all: FormError[]) => {
    const tmpid = typeof fields.tmpid === 'string' ? fields.tmpid : null;
    const known = code !== undefined && Number.isInteger(code) ? code : undefined;
    store.refused(code === undefined ? 'create' : 'update', known, fields, tmpid, all[0]?.Description ?? '');
    return failed(all);
  };
  if (errors.length > 0) return refuse(errors);
  if (code !== undefined && !Number.isInteger(code)) {
    return refuse([formError('CodeMain', ErrorCodes.notFound, 'رکورد مورد نظر یافت نشد.')]);
  }
  return saveContact(store, code, fields);
}
