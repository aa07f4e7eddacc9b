// Typed client of the Payamgostar CRM API (APIS.md). Every call: POST JSON under /api/v2, Bearer token
// from a single-flight login, one transparent re-login on 401, retries and rate limit from HttpClient,
// every answer validated (CRM_BAD_RESPONSE), every `{success:false}` classified (crm/refusals.ts).

import type { z } from 'zod';
import type { SyncError } from '../errors';
import type { Logger } from '../logger';
import { HttpClient, type HttpClientOptions } from '../http/client';
import { SingleFlightSession } from '../http/session';
import type { CustomerKind } from '../mapping/canonical';
import type { CrmUpdateMode } from '../mapping/crm';
import type { CrmConfig } from './config';
import { crmMessageOf, crmRefusal } from './refusals';
import {
  identityListSchema,
  identitySchema,
  loginResponseSchema,
  mutationResponseSchema,
  parseCrmResponse,
  quoteSchema,
  type CrmIdentityRecord,
  type CrmQuoteRecord,
  type IdentitySimple,
} from './schemas';

export interface CrmClientOptions {
  logger?: Logger | undefined;
  http?: Partial<Omit<HttpClientOptions, 'system' | 'baseUrl' | 'messageOf' | 'logger'>>;
  /** Identifies this client in the CRM's device list. */
  deviceId?: string;
}

export interface ListQuery {
  pageNumber?: number;
  pageSize?: number;
  searchTerm?: string;
  identityType?: 1 | 2;
}

export interface CrmIdentityWithKind {
  kind: CustomerKind;
  record: CrmIdentityRecord;
}

const API = '/api/v2';
const DEFAULT_PAGE_SIZE = 100;

export class CrmClient {
  readonly http: HttpClient;
  private readonly session: SingleFlightSession<string>;

  constructor(
    private readonly config: CrmConfig,
    private readonly options: CrmClientOptions = {},
  ) {
    this.http = new HttpClient({
      system: 'CRM',
      baseUrl: config.baseUrl,
      headersTimeoutMs: config.timeoutMs,
      bodyTimeoutMs: config.timeoutMs,
      rateLimit: { perSecond: config.rateLimitPerSecond },
      messageOf: crmMessageOf,
      logger: options.logger,
      ...options.http,
    });
    this.session = new SingleFlightSession(() => this.login());
  }

  /** Logs in (normally called through the single-flight session, not directly). */
  async login(): Promise<{ value: string; expiresAtMs: number | undefined }> {
    const path = `${API}/auth/login`;
    // Calls that hold a limiter slot (readThenWrite) may be waiting for this login: it must not queue for one.
    const res = await this.http.priority(() =>
      this.http.request({
        method: 'POST',
        path,
        idempotent: true,
        body: {
          username: this.config.username,
          password: this.config.password,
          deviceId: this.options.deviceId ?? 'siaghsync',
          platformType: 1,
          os: 'linux',
          osVersion: process.version,
          token: null,
        },
      }),
    );
    const body = parseCrmResponse(loginResponseSchema, res.json, path);
    const expires = body.expiresAt ? Date.parse(body.expiresAt) : Number.NaN;
    this.options.logger?.debug({ system: 'CRM', expiresAt: body.expiresAt }, 'logged in');
    return { value: body.accessToken, expiresAtMs: Number.isNaN(expires) ? undefined : expires };
  }

  /** A usable session: logs in now unless one is held (`syncctl check` times the login on its own). */
  async signIn(): Promise<void> {
    await this.session.get();
  }

  /** One authenticated call; the answer validated against `schema`. */
  private async call<T>(
    endpoint: string,
    body: unknown,
    schema: z.ZodType<T, z.ZodTypeDef, unknown>,
    idempotent = true,
    once = false,
  ): Promise<T> {
    const path = `${API}/${endpoint}`;
    const res = await this.session.run(
      (token) =>
        this.http.request({
          method: 'POST',
          path,
          body,
          idempotent,
          once,
          headers: { authorization: `Bearer ${token}` },
        }),
      (e: SyncError) => e.code === 'CRM_UNAUTHORIZED',
    );
    // Business refusals come as {success:false} with HTTP 200.
    const json = res.json as { success?: unknown; message?: unknown } | undefined;
    if (json && typeof json === 'object' && !Array.isArray(json) && json.success === false) {
      throw crmRefusal(typeof json.message === 'string' ? json.message : undefined, path);
    }
    return parseCrmResponse(schema, res.json, path);
  }

  listIdentities(query: ListQuery = {}): Promise<IdentitySimple[]> {
    return this.call('crmobject/identity/getIdentitiesSimple', query, identityListSchema);
  }

  /** Every identity, page by page (0-based; a page shorter than pageSize is the last). */
  async *iterateIdentities(query: Omit<ListQuery, 'pageNumber'> = {}): AsyncGenerator<IdentitySimple> {
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    for (let pageNumber = 0; ; pageNumber++) {
      const page = await this.listIdentities({ ...query, pageSize, pageNumber });
      yield* page;
      if (page.length < pageSize) return;
    }
  }

  async listAllIdentities(query: Omit<ListQuery, 'pageNumber'> = {}): Promise<IdentitySimple[]> {
    const all: IdentitySimple[] = [];
    for await (const i of this.iterateIdentities(query)) all.push(i);
    return all;
  }

  getPerson(id: string): Promise<CrmIdentityRecord> {
    return this.call('crmobject/person/get', { id }, identitySchema);
  }

  getOrganization(id: string): Promise<CrmIdentityRecord> {
    return this.call('crmobject/organization/get', { id }, identitySchema);
  }

  /**
   * An identity whose type is unknown (a webhook's subtype may be missing or unrecognised): person first,
   * then organization. Undefined when neither exists (it was deleted).
   */
  async getIdentity(id: string, hint?: CustomerKind): Promise<CrmIdentityWithKind | undefined> {
    const order: CustomerKind[] =
      hint === 'organization' ? ['organization', 'person'] : ['person', 'organization'];
    for (const kind of order) {
      try {
        return {
          kind,
          record: kind === 'person' ? await this.getPerson(id) : await this.getOrganization(id),
        };
      } catch (e) {
        if ((e as SyncError).code !== 'CRM_NOT_FOUND') throw e;
      }
    }
    return undefined;
  }

  /** Creates a person or organization; returns its crmId. Not idempotent: never retried on ambiguous failures. */
  async create(kind: CustomerKind, body: Record<string, unknown>): Promise<string> {
    const path = `crmobject/${kind}/create`;
    const res = await this.call(path, body, mutationResponseSchema, false);
    if (!res.crmId) throw crmRefusal(res.message ?? 'create answered without crmId', `${API}/${path}`);
    return res.crmId;
  }

  createPerson(body: Record<string, unknown>): Promise<string> {
    return this.create('person', body);
  }

  createOrganization(body: Record<string, unknown>): Promise<string> {
    return this.create('organization', body);
  }

  /**
   * Replaces the record `id` with `body` (send the whole record: see mapping/crm.ts canonicalToCrm).
   * `once`: the body was built from a read just made (see `readThenWrite`): one attempt, not retried
   * later with what may by then be stale.
   */
  async update(
    kind: CustomerKind,
    id: string,
    body: Record<string, unknown>,
    opts: { once?: boolean } = {},
  ): Promise<void> {
    await this.call(`crmobject/${kind}/update`, { ...body, id }, mutationResponseSchema, true, opts.once);
  }

  /**
   * A read and the write built from it, back to back in one slot of the rate limiter. The CRM's update
   * has no version check: what we send of a property is what we just read plus our change, so an edit a
   * person saves to that property between our read and our write is overwritten, and that gap is kept as
   * short as the network allows.
   */
  readThenWrite<T>(fn: () => Promise<T>): Promise<T> {
    return this.http.exclusive(fn);
  }

  /** What an identity update carries for this installation (`CRM_UPDATE_MODE`). */
  get updateMode(): CrmUpdateMode {
    return this.config.updateMode ?? 'whole-record';
  }

  updatePerson(id: string, body: Record<string, unknown>): Promise<void> {
    return this.update('person', id, body);
  }

  updateOrganization(id: string, body: Record<string, unknown>): Promise<void> {
    return this.update('organization', id, body);
  }

  /** Deletes; true if it was deleted now, false if it was already gone (a retried delete is not an error). */
  async delete(kind: CustomerKind, id: string): Promise<boolean> {
    try {
      await this.call(`crmobject/${kind}/delete`, { id }, mutationResponseSchema);
      return true;
    } catch (e) {
      if ((e as SyncError).code === 'CRM_NOT_FOUND') return false;
      throw e;
    }
  }

  deletePerson(id: string): Promise<boolean> {
    return this.delete('person', id);
  }

  deleteOrganization(id: string): Promise<boolean> {
    return this.delete('organization', id);
  }

  getQuote(id: string): Promise<CrmQuoteRecord> {
    return this.call('crmobject/quote/sales/get', { id }, quoteSchema);
  }

  /**
   * Updates a quote (`crmobject/quote/sales/update`, assumed: see simulators/crm/ASSUMPTIONS.md). Used for the
   * Siagh document number write-back, so send only what changes: the CRM merges extendedProperties by userKey.
   * Sent so whatever CRM_UPDATE_MODE says: a quote as read carries computed totals (its discount is the header's
   * plus the lines'), which sent back as an update would change the quote.
   */
  async updateQuote(id: string, patch: Record<string, unknown>): Promise<void> {
    await this.call('crmobject/quote/sales/update', { ...patch, id }, mutationResponseSchema);
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
