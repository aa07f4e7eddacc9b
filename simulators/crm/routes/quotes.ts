import express, { type Router } from 'express';
import type { CrmStore } from '../store';
import { idSchema, quoteInputSchema, quoteUpdateSchema } from '../schemas';
import { notFound, parseBody, refused } from './respond';

/** quote/sales/get is in APIS.md; create/update/delete are assumed (ASSUMPTIONS.md). */
export function quoteRoutes(store: CrmStore): Router {
  const r = express.Router();
  const quotes = store.quotes;
  r.post('/crmobject/quote/sales/get', (req, res) => {
    const body = parseBody(idSchema, req.body, res);
    if (!body) return;
    const q = quotes.get(body.id);
    if (!q) return notFound(res);
    res.json(q);
  });
  r.post('/crmobject/quote/sales/create', (req, res) => {
    const body = parseBody(quoteInputSchema, req.body, res);
    if (!body) return;
    const result = quotes.create(body);
    if (!result.ok) return refused(res, result.message);
    res.json({ crmId: result.value.crmId, success: true, message: null });
  });
  r.post('/crmobject/quote/sales/update', (req, res) => {
    const body = parseBody(quoteUpdateSchema, req.body, res);
    if (!body) return;
    const { id, ...input } = body;
    if (!quotes.get(id)) return notFound(res);
    const result = quotes.update(id, input);
    if (!result.ok) return refused(res, result.message);
    res.json({ crmId: id, success: true, message: null });
  });
  r.post('/crmobject/quote/sales/delete', (req, res) => {
    const body = parseBody(idSchema, req.body, res);
    if (!body) return;
    if (!quotes.get(body.id)) return notFound(res);
    quotes.delete(body.id);
    res.json({ crmId: body.id, success: true, message: null });
  });
  return r;
}
