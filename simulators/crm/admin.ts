import express, { type Router } from 'express';
import { z } from 'zod';
import { parseOr400 } from '../common/admin';
import { datasetOptionsSchema, generateDataset } from '../data/generator';
import { identityInputSchema, quoteInputSchema } from './schemas';
import { webhookConfigSchema, type WebhookDispatcher } from './webhooks';
import type { CrmStore } from './store';

// CRM-only admin routes. Edits here are "a user in the CRM UI": they change the record and fire
// the webhook exactly as the real CRM would, but are not recorded as API calls.

const uiIdentitySchema = identityInputSchema.extend({ identityType: z.union([z.literal(1), z.literal(2)]) });

export function crmAdminRouter(store: CrmStore, webhooks: WebhookDispatcher): Router {
  const r = express.Router();

  r.get('/webhooks', (_req, res) => {
    res.json(webhooks.config);
  });
  r.put('/webhooks', (req, res) => {
    const cfg = parseOr400(webhookConfigSchema, req.body, res);
    if (cfg) res.json(webhooks.set(cfg));
  });
  r.patch('/webhooks', (req, res) => {
    const cfg = parseOr400(webhookConfigSchema.partial(), req.body, res);
    if (cfg) res.json(webhooks.patch(cfg));
  });
  r.get('/webhooks/deliveries', (_req, res) => {
    res.json(webhooks.list());
  });
  r.delete('/webhooks/deliveries', (_req, res) => {
    webhooks.clearLog();
    res.status(204).end();
  });
  r.post('/webhooks/drain', async (_req, res) => {
    await webhooks.drain();
    res.json({ drained: true });
  });

  r.post('/identities', (req, res) => {
    const body = parseOr400(uiIdentitySchema, req.body, res);
    if (!body) return;
    const { identityType, ...input } = body;
    const result = store.create(identityType, input);
    if (result.ok) res.status(201).json(result.value);
    else res.status(409).json({ error: result.message });
  });
  r.patch('/identities/:id', (req, res) => {
    const body = parseOr400(identityInputSchema, req.body, res);
    if (!body) return;
    const result = store.update(req.params.id, undefined, body);
    if (result.ok) res.json(result.value);
    else res.status(store.get(req.params.id) ? 409 : 404).json({ error: result.message });
  });
  r.delete('/identities/:id', (req, res) => {
    const result = store.delete(req.params.id);
    if (result.ok) res.status(204).end();
    else res.status(404).json({ error: result.message });
  });

  r.post('/quotes', (req, res) => {
    const body = parseOr400(quoteInputSchema, req.body, res);
    if (!body) return;
    const result = store.quotes.create(body);
    if (result.ok) res.status(201).json(result.value);
    else res.status(409).json({ error: result.message });
  });
  r.patch('/quotes/:id', (req, res) => {
    const body = parseOr400(quoteInputSchema, req.body, res);
    if (!body) return;
    const result = store.quotes.update(req.params.id, body);
    if (result.ok) res.json(result.value);
    else res.status(store.quotes.get(req.params.id) ? 409 : 404).json({ error: result.message });
  });
  r.delete('/quotes/:id', (req, res) => {
    const result = store.quotes.delete(req.params.id);
    if (result.ok) res.status(204).end();
    else res.status(404).json({ error: result.message });
  });

  /** Loads a generated dataset's CRM side (no webhooks: the data predates the subscription). */
  r.post('/seed', (req, res) => {
    const opts = parseOr400(datasetOptionsSchema, req.body, res);
    if (!opts) return;
    const ds = generateDataset(opts);
    store.load(ds.crm.identities);
    store.quotes.load(ds.crm.quotes);
    res.json({ identities: ds.crm.identities.length, quotes: ds.crm.quotes.length });
  });
  r.post('/reset', (_req, res) => {
    store.clear();
    webhooks.clearLog();
    res.status(204).end();
  });
  return r;
}
