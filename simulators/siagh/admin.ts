import express, { type Response, type Router } from 'express';
import { z } from 'zod';
import { parseOr400 } from '../common/admin';
import { datasetOptionsSchema, generateDataset } from '../data/generator';
import { saveContact } from './forms/contactForm';
import type { FormResult } from './forms/result';
import type { ContactFields, SiaghStore } from './store';

// Siagh-only admin routes: edits "as a user in Siagh's UI" (same validation as the form, but not
// recorded as API calls). Siagh has no webhooks, so these changes are only found by polling.

const text = z.string().nullable().optional();
const contactSchema = z
  .object({
    tmpid: text,
    Name: z.string().optional(),
    NickName: text,
    FirstName: text,
    LastName: text,
    NationalCode: text,
    EconomicCode: text,
    RegisterNo: text,
    MobileNo: text,
    TelNo: text,
    Fax: text,
    Email: text,
    Address: text,
    PostalCode: text,
    CityCode: z.number().int().nullable().optional(),
    CountryCode: z.number().int().nullable().optional(),
    Description: text,
    IsActive: z.boolean().optional(),
    TowardType: z.boolean().optional(),
  })
  .strict();

const preInvoicePatchSchema = z
  .object({ Finalized: z.boolean().optional(), Tozihat: z.string().nullable().optional() })
  .strict();

function answer(res: Response, store: SiaghStore, result: FormResult, created: boolean): void {
  if (!result.ReturnValue) {
    res.status(409).json(result);
    return;
  }
  res.status(created ? 201 : 200).json({ ...result, contact: store.contacts.get(Number(result.ReturnCode)) });
}

/** Drops properties sent as undefined so they do not overwrite stored values. */
function defined(o: Record<string, unknown>): ContactFields {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export function siaghAdminRouter(store: SiaghStore): Router {
  const r = express.Router();
  r.post('/contacts', (req, res) => {
    const body = parseOr400(contactSchema, req.body, res);
    if (body) answer(res, store, saveContact(store, undefined, defined(body)), true);
  });
  r.patch('/contacts/:code', (req, res) => {
    const body = parseOr400(contactSchema, req.body, res);
    if (!body) return;
    const code = Number(req.params.code);
    if (!store.contacts.has(code)) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    answer(res, store, saveContact(store, code, defined(body)), false);
  });
  r.delete('/contacts/:code', (req, res) => {
    if (store.deleteContact(Number(req.params.code))) res.status(204).end();
    else res.status(404).json({ error: 'not found' });
  });

  r.patch('/preinvoices/:no', (req, res) => {
    const body = parseOr400(preInvoicePatchSchema, req.body, res);
    if (!body) return;
    const doc = store.updatePreInvoice(Number(req.params.no), defined(body) as never);
    if (doc) res.json(doc);
    else res.status(404).json({ error: 'not found' });
  });
  r.delete('/preinvoices/:no', (req, res) => {
    if (store.deletePreInvoice(Number(req.params.no))) res.status(204).end();
    else res.status(404).json({ error: 'not found' });
  });

  r.post('/seed', (req, res) => {
    const opts = parseOr400(datasetOptionsSchema, req.body, res);
    if (!opts) return;
    const ds = generateDataset(opts);
    store.load(ds.siagh.contacts);
    res.json({ contacts: ds.siagh.contacts.length });
  });
  r.post('/reset', (_req, res) => {
    store.clear();
    res.status(204).end();
  });
  return r;
}
