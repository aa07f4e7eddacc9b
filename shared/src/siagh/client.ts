// Typed client of Siagh (APIS.md): MD5 login, `Authorization: <SessionId>` (no "Bearer"), single-flight
// re-login on 401 then one retry, GetAll reads, SaveFormData writes whose ReturnValue:false answers
// become typed errors (siagh/formResult.ts). SaveFormData is not idempotent: creates are never retried
// after an ambiguous failure; the caller makes them idempotent by looking the natural key up first.

import { createHash, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { permanent, type SyncError } from '../errors';
import type { Logger } from '../logger';
import { HttpClient, type HttpClientOptions } from '../http/client';
import { SingleFlightSession } from '../http/session';
import type { CanonicalCustomer } from '../mapping/canonical';
import { encodeCtrlValues, type CtrlPair } from '../mapping/ctrlValues';
import { canonicalToSiaghPairs } from '../mapping/siagh';
import type { SyncConfig } from '../mapping/syncConfig';
import type { SiaghConfig } from './config';
import { formRefusal, siaghMessageOf } from './formResult';
import {
  preInvoiceCtrlValues,
  preInvoiceDataRows,
  type PreInvoiceHeader,
  type PreInvoiceLine,
} from './preInvoice';
import {
  contactListSchema,
  loginResponseSchema,
  parseSiaghResponse,
  preInvoiceListSchema,
  saveFormResponseSchema,
  type SaveFormResponse,
  type SiaghContact,
  type SiaghPreInvoice,
} from './schemas';

export const CONTACT_FORM = '2BFDA';
export const PRE_INVOICE_FORM = '43D81';
const CONTACTS_PATH = '/api/Sgh/GEN/Gn_Web_Users/GetAll';
// Assumed by the simulator (simulators/siagh/ASSUMPTIONS.md): documents are read like contacts.
const PRE_INVOICES_PATH = '/api/Sgh/SL/Sl_Sanad/GetAll';

export interface SiaghSession {
  sessionId: string;
  fiscalYear: number;
  /** Jalali "1404/09/04", Siagh's own date at login. */
  systemDate: string;
  userCode: number | undefined;
  branchCode: number | undefined;
}

export interface SiaghClientOptions {
  logger?: Logger | undefined;
  http?: Partial<Omit<HttpClientOptions, 'system' | 'baseUrl' | 'messageOf' | 'logger'>>;
}

export type SiaghFilter = Record<string, string | number | boolean>;

export const md5UpperHex = (s: string): string =>
  createHash('md5').update(s, 'utf8').digest('hex').toUpperCase();

function sameValue(have: unknown, want: string | number | boolean): boolean {
  if (typeof have !== 'string' && typeof have !== 'number' && typeof have !== 'boolean') return false;
  return String(have).toLowerCase() === String(want).toLowerCase();
}

export class SiaghClient {
  readonly http: HttpClient;
  private readonly session: SingleFlightSession<SiaghSession>;

  constructor(
    private readonly config: SiaghConfig,
    private readonly options: SiaghClientOptions = {},
  ) {
    this.http = new HttpClient({
      system: 'SIAGH',
      baseUrl: config.baseUrl,
      headersTimeoutMs: config.timeoutMs,
      bodyTimeoutMs: config.timeoutMs,
      rateLimit: { perSecond: config.rateLimitPerSecond },
      messageOf: siaghMessageOf,
      logger: options.logger,
      ...options.http,
    });
    // Siagh does not announce when a session ends: it is used until a 401 says otherwise.
    this.session = new SingleFlightSession(async () => ({ value: await this.login() }));
  }

  async login(): Promise<SiaghSession> {
    const path = '/GeneralApi/LoginUser';
    const res = await this.http.request({
      method: 'POST',
      path,
      idempotent: true,
      body: { UserName: this.config.username, Password: md5UpperHex(this.config.password) },
    });
    const b = parseSiaghResponse(loginResponseSchema, res.json, path);
    this.options.logger?.debug(
      { system: 'SIAGH', fiscalYear: b.FiscalYear, systemDate: b.SystemDate },
      'logged in',
    );
    return {
      sessionId: b.SessionId,
      fiscalYear: b.FiscalYear,
      systemDate: b.SystemDate,
      userCode: b.UserCode ?? undefined,
      branchCode: b.BranchCode ?? undefined,
    };
  }

  /** The current session (logging in if needed): FiscalYear and SystemDate for pre-invoices. */
  getSession(): Promise<SiaghSession> {
    return this.session.get();
  }

  private async call<T>(
    path: string,
    body: unknown,
    schema: z.ZodType<T, z.ZodTypeDef, unknown>,
    idempotent: boolean,
    onExchange?: (ms: number) => void,
  ): Promise<T> {
    const res = await this.session.run(
      (s) =>
        this.http.request({
          method: 'POST',
          path,
          body,
          idempotent,
          headers: { authorization: s.sessionId },
        }),
      (e: SyncError) => e.code === 'SIAGH_UNAUTHORIZED',
    );
    onExchange?.(res.exchangeMs);
    return parseSiaghResponse(schema, res.json, path);
  }

  /**
   * Runs `fn` in one slot of the client's concurrency bound, its calls ahead of the calls waiting for
   * their turn: a read and the write built from it go out back to back (http/client.ts exclusive).
   */
  readThenWrite<T>(fn: () => Promise<T>): Promise<T> {
    return this.http.exclusive(fn);
  }

  /**
   * Every contact (GetAll with an empty body: Siagh has no paging). `onExchange` is told how long the
   * answering exchange took (http/client.ts exchangeMs): the poller paces itself by it.
   */
  getAllContacts(onExchange?: (ms: number) => void): Promise<SiaghContact[]> {
    return this.call(CONTACTS_PATH, {}, contactListSchema, true, onExchange);
  }

  /**
   * Contacts matching every filter field (e.g. `{tmpid: '1231'}`, `{MobileNo: '0912...'}`). The answer is
   * filtered again here: GetAll silently ignores a filter column it does not know and would return ALL rows,
   * which must never look like "this customer already exists".
   */
  async findContacts(filter: SiaghFilter): Promise<SiaghContact[]> {
    const rows = await this.call(CONTACTS_PATH, filter, contactListSchema, true);
    const entries = Object.entries(filter);
    return rows.filter((row) =>
      entries.every(([k, want]) => {
        const key = Object.keys(row).find((rk) => rk.toLowerCase() === k.toLowerCase());
        return key !== undefined && sameValue((row as Record<string, unknown>)[key], want);
      }),
    );
  }

  /** The contact(s) carrying customer number n in tmpid (the natural key); more than one is a data problem. */
  findContactsByCustomerNumber(n: number): Promise<SiaghContact[]> {
    return this.findContacts({ tmpid: String(n) });
  }

  private async saveForm(
    formId: string,
    ctrlValues: string,
    parameters: string,
    dataRows: string,
    idempotent: boolean,
  ): Promise<SaveFormResponse> {
    const body = { formId, ctrlValues, parameters, dataRows, attachments: [], postCode: null, flowId: null };
    const res = await this.call('/BpmsApi/SaveFormData', body, saveFormResponseSchema, idempotent);
    const refusal = formRefusal(res, formId);
    if (refusal) throw refusal;
    return res;
  }

  private returnedCode(res: SaveFormResponse, formId: string): number {
    const fromCode = String(res.ReturnCode ?? '').trim();
    if (/^\d+$/.test(fromCode)) return Number(fromCode);
    // Some forms only put the number in the message text ("... شماره 1234 ...").
    const inText = (res.FinalMessages ?? []).join(' ').match(/(\d+)/);
    if (inText?.[1]) return Number(inText[1]);
    throw permanent('SIAGH_BAD_RESPONSE', `Siagh form ${formId} reported success without a code`, {
      details: { returnCode: res.ReturnCode ?? null },
    });
  }

  /** Saves raw `gn_web_users.*` pairs; create without `code`, update with it. Returns the contact's Code. */
  async saveContactFields(pairs: readonly CtrlPair[], code?: number): Promise<number> {
    const ctrlValues = encodeCtrlValues(pairs);
    const parameters = code === undefined ? 'CodeMain=' : `CodeMain=${code}`;
    const res = await this.saveForm(CONTACT_FORM, ctrlValues, parameters, '', code !== undefined);
    return code ?? this.returnedCode(res, CONTACT_FORM);
  }

  /** Saves a canonical customer through form 2BFDA per the sync config; returns the contact's Code. */
  saveContact(record: CanonicalCustomer, config: SyncConfig, code?: number): Promise<number> {
    return this.saveContactFields(
      canonicalToSiaghPairs(record, config, code === undefined ? 'create' : 'update'),
      code,
    );
  }

  /** Creates (no `existingDoc`) or edits a pre-invoice through form 43D81; returns the document number. */
  async savePreInvoice(
    header: PreInvoiceHeader,
    lines: readonly PreInvoiceLine[],
    existingDoc?: number,
  ): Promise<number> {
    const fiscalYear = header.fiscalYear ?? (await this.getSession()).fiscalYear;
    const ctrlValues = preInvoiceCtrlValues({ ...header, fiscalYear });
    const parameters = existingDoc === undefined ? `_In_Suid=${randomUUID()}` : `CodeMain=${existingDoc}`;
    const res = await this.saveForm(
      PRE_INVOICE_FORM,
      ctrlValues,
      parameters,
      preInvoiceDataRows(lines),
      existingDoc !== undefined,
    );
    return existingDoc ?? this.returnedCode(res, PRE_INVOICE_FORM);
  }

  /** Pre-invoices matching the filter (e.g. `{CodeMoshtari: 12}`; Tozihat matches as a substring). */
  findPreInvoices(filter: SiaghFilter = {}): Promise<SiaghPreInvoice[]> {
    return this.call(PRE_INVOICES_PATH, filter, preInvoiceListSchema, true);
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
