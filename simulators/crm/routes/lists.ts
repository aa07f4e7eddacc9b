import express, { type Router } from 'express';
import type { CrmStore } from '../store';
import type { CrmIdentity } from '../types';
import { listSchema } from '../schemas';
import { parseBody } from './respond';
import { presentIdentity } from './identities';

// Four list endpoints, one paging contract (0-based pageNumber, a short page is the last).
// None of them can filter by modification time: that is why the poller exists.

const simple = (i: CrmIdentity) => ({
  identityId: i.crmId,
  nickName: i.nickName,
  customerNo: i.customerNumber,
});

export function listRoutes(store: CrmStore): Router {
  const r = express.Router();
  const route = (path: string, shape: (i: CrmIdentity) => unknown, onlyCustomers = false) =>
    r.post(path, (req, res) => {
      const body = parseBody(listSchema, req.body, res);
      if (!body) return;
      let rows = store.list(body);
      if (onlyCustomers) rows = rows.filter((i) => i.customerNumber);
      res.json(rows.map(shape));
    });
  route('/crmobject/identity/getIdentitiesSimple', simple);
  route('/crmobject/identity/search', simple);
  route('/crmobject/identity/getIdentities', presentIdentity);
  route('/crmobject/identity/getCustomers', simple, true);
  return r;
}
