import express, { type Request, type Response, type Router } from 'express';
import type { SiaghStore } from '../store';

// GetAll: the whole table, or the rows matching every filter given. No paging, no "modified since".

export function contactRoutes(store: SiaghStore): Router {
  const r = express.Router();
  const handler = (req: Request, res: Response) => {
    const body =
      req.body && typeof req.body === 'object' && !Array.isArray(req.body)
        ? (req.body as Record<string, unknown>)
        : {};
    const filter = { ...(req.query as Record<string, unknown>), ...body };
    res.json(store.findContacts(filter));
  };
  r.get('/api/Sgh/GEN/Gn_Web_Users/GetAll', handler);
  r.post('/api/Sgh/GEN/Gn_Web_Users/GetAll', handler);
  return r;
}
