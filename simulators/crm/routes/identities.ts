import express, { type Router } from 'express';
import type { CrmStore } from '../store';
import type { CrmIdentity, IdentityType } from '../types';
import { idSchema, identityInputSchema, identityUpdateSchema } from '../schemas';
import { notFound, parseBody, refused } from './respond';

const PERSON_ONLY = ['firstName', 'lastName', 'birthDate', 'gender', 'organizations'] as const;
const ORG_ONLY = ['registerNumber', 'businessType', 'registerDate', 'employees', 'managerId'] as const;

/** The GET body of one identity: a person has no organization-only fields and vice versa. */
export function presentIdentity(i: CrmIdentity): Record<string, unknown> {
  const out: Record<string, unknown> = { ...i };
  for (const k of i.identityType === 1 ? ORG_ONLY : PERSON_ONLY) delete out[k];
  return out;
}

function objectRoutes(r: Router, store: CrmStore, name: 'person' | 'organization', type: IdentityType): void {
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
    if (!body) return;
    const result = store.create(type, body);
    if (!result.ok) return refused(res, result.message);
    res.json({ crmId: result.value.crmId, success: true, message: null });
  });
  r.post(`${base}/update`, (req, res) => {
    const body = parseBody(identityUpdateSchema, req.body, res);
    if (!body) return;
    const { id, ...input } = body;
    if (store.get(id)?.identityType !== type) return notFound(res);
    const result = store.update(id, type, input);
    if (!result.ok) return refused(res, result.message);
    res.json({ crmId: id, success: true, message: null });
  });
  r.post(`${base}/delete`, (req, res) => {
    const body = parseBody(idSchema, req.body, res);
    if (!body) return;
    if (store.get(body.id)?.identityType !== type) return notFound(res);
    store.delete(body.id, type);
    res.json({ crmId: body.id, success: true, message: null });
  });
}

export function identityRoutes(store: CrmStore): Router {
  const r = express.Router();
  objectRoutes(r, store, 'person', 1);
  objectRoutes(r, store, 'organization', 2);
  return r;
}
