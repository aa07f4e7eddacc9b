import express, { type Request, type Response, type Router } from 'express';
import { matchFilter, type SiaghStore } from '../store';

// Assumed read endpoint for documents (APIS.md is silent): same conventions as the contacts'
// GetAll; Tozihat (notes) matches as a substring, like the LIKE search of Siagh's own UI.

export function preInvoiceRoutes(store: SiaghStore): Router {
  const r = express.Router();
  const handler = (req: Request, res: Response) => {
    const body =
      req.body && typeof req.body === 'object' && !Array.isArray(req.body)
        ? (req.body as Record<string, unknown>)
        : {};
    const filter = { ...(req.query as Record<string, unknown>), ...body };
    res.json(matchFilter([...store.preInvoices.values()], filter, ['Tozihat']));
  };
  r.get('/api/Sgh/SL/Sl_Sanad/GetAll', handler);
  r.post('/api/Sgh/SL/Sl_Sanad/GetAll', handler);
  return r;
}
