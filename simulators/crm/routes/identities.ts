import express, { type Router } from 'express';
import type { CrmStore } from '../store';
import type { CrmIdentity, IdentityType } from '../types';
import { idSchema, identityInputSchema, identityUpdateSchema } from '../schemas';
import { notFound, parseBody, refused } from './respond';
import type { WriteOp } from '../../common/journal';

const PERSON_ONLY = ['firstName', 'lastName', 'birthDate', 'gender', 'organizations'] as const;
const ORG_ONLY = ['registerNumber', 'businessType', 'registerDate', 'employees', 'managerId'] as const;

/** The GET body of one identity: a person has no organization-only fields and vice versa. */
export function presentIdentity(i: CrmIdentity): Record<string, unknown> {
  const out: Record<string, unknown> = { ...i };
  for (const k of i.identityType === 1 ? ORG_ONLY : PERSON_ONLY) delete out[k];
  return out;
}

/** A body the API could not parse is still an attempt: journaled as refused, with what it named. */
function journalInvalid(store: CrmStore, op: WriteOp, raw: unknown): void {
  const b = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  store.journal.record({
    origin: 'api',
    op,
    customerNo: typeof b.customerNumber === 'string' ? b.customerNumber : null,
    recordId: typeof b.id === 'string' ? b.id : null,
    outcome: 'refused',
    reason: 'The request is invalid.',
    fields: b,
    changed: [],
  });
}

function objectRoutes(r: Router, store: CrmStore, name: 'person' | 'organization', type: IdentityType): void {
  const api = <T>(fn: () => T): T => store.journal.as('api', fn);
  const base = `/crmobject/${name}`;
  r.post(`${base}/get`, (req, res) => {
    const body = parseBody(idSchema, req.body, res);
    if (!body) return;
    const i = store.get(body.id);
    if (!i || i.identityType !== type) return notFound(res);
    res.json(presentIdentity(i));
  });
  r.post(`${base}/create`, (req, res) => {
    const body = parseBody(identityInputSchema, req.body, res);
    if (!body) return journalInvalid(store, 'create', req.body);
    const result = api(() => store.create(type, body));
    if (!result.ok) return refused(res, result.message);
    res.json({ crmId: result.value.crmId, success: true, message: null });
  });
  r.post(`${base}/update`, (req, res) => {
    const body = parseBody(identityUpdateSchema, req.body, res);
    if (!body) return journalInvalid(store, 'update', req.body);
    const { id, ...input } = body;
    const known = store.get(id)?.identityType === type;
    // The store refuses (and journals) an id of the other identity type as not found.
    const result = api(() => store.update(id, type, input));
    if (!known) return notFound(res);
    if (!result.ok) return refused(res, result.message);
    res.json({ crmId: id, success: true, message: null });
  });
  r.post(`${base}/delete`, (req, res) => {
    const body = parseBody(idSchema, req.body, res);
    if (!body) return journalInvalid(store, 'delete', req.body);
    const result = api(() => store.delete(body.id, type));
    if (!result.ok) return notFound(res);
    res.json({ crmId: body.id, success: true, message: null });
  });
}

export function identityRoutes(store: CrmStore): Router {
  const r = express.Router();
  objectRoutes(r, store, 'person', 1);
  objectRoutes(r, store, 'organization', 2);
  return r;
}
