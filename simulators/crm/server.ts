import express from 'express';
import { SimClock } from '../common/clock';
import { FaultInjector, type FaultConfigInput } from '../common/faults';
import { CallRecorder } from '../common/recorder';
import type { WriteJournal } from '../common/journal';
import { commonAdminRouter } from '../common/admin';
import { baseApp, jsonErrorHandler } from '../common/app';
import { listen } from '../common/http';
import { createLogger, type Logger } from '../common/logger';
import { generateDataset, type DatasetOptionsInput } from '../data/generator';
import { CrmStore } from './store';
import { CrmTokens } from './auth';
import { WebhookDispatcher, type WebhookConfigInput } from './webhooks';
import { crmAdminRouter } from './admin';
import { authRoutes } from './routes/auth';
import { identityRoutes } from './routes/identities';
import { listRoutes } from './routes/lists';
import { quoteRoutes } from './routes/quotes';
import { defaultSubtypes, type CrmIdentity, type CrmQuote, type CrmSubtypes } from './types';

export interface CrmSimOptions {
  /** 0 (the default) picks a free port; tests always use 0. */
  port?: number;
  host?: string;
  username?: string;
  password?: string;
  /** Access token lifetime (default 1 hour). */
  tokenTtlMs?: number;
  /** Refresh token lifetime (default 7 days). */
  refreshTtlMs?: number;
  webhooks?: WebhookConfigInput;
  /** Persian subtype labels of this "installation". */
  subtypes?: Partial<CrmSubtypes>;
  /** Records loaded at start (no webhooks). */
  data?: { identities?: CrmIdentity[]; quotes?: CrmQuote[] };
  /** Or generate them: the CRM side of generateDataset(dataset). */
  dataset?: DatasetOptionsInput;
  faults?: FaultConfigInput;
  clockOffsetMs?: number;
  maxRecordedCalls?: number;
  logger?: Logger;
}

export interface CrmSimulator {
  url: string;
  port: number;
  store: CrmStore;
  webhooks: WebhookDispatcher;
  faults: FaultInjector;
  recorder: CallRecorder;
  /** Every customer create, update and delete, by the API or the simulated UI (common/journal.ts). */
  journal: WriteJournal;
  clock: SimClock;
  tokens: CrmTokens;
  close(): Promise<void>;
}

export async function startCrmSimulator(opts: CrmSimOptions = {}): Promise<CrmSimulator> {
  const log = opts.logger ?? createLogger('crm-sim');
  const clock = new SimClock(opts.clockOffsetMs ?? 0);
  const store = new CrmStore(clock, { ...defaultSubtypes, ...opts.subtypes });
  if (opts.dataset) {
    const ds = generateDataset(opts.dataset);
    store.load(ds.crm.identities);
    store.quotes.load(ds.crm.quotes);
  }
  if (opts.data?.identities) store.load(opts.data.identities);
  if (opts.data?.quotes) store.quotes.load(opts.data.quotes);

  const tokens = new CrmTokens(opts.tokenTtlMs ?? 3_600_000, opts.refreshTtlMs ?? 7 * 86_400_000);
  const webhooks = new WebhookDispatcher(opts.webhooks, log);
  store.onChange((n) => webhooks.notify(n));
  const faults = new FaultInjector(opts.faults, clock);
  const recorder = new CallRecorder(opts.maxRecordedCalls);

  const app = baseApp(recorder, faults);
  app.use(
    '/_sim',
    commonAdminRouter({
      faults,
      recorder,
      journal: store.journal,
      clock,
      expireSessions: () => tokens.expireAll(),
      dump: () => ({ ...store.dump(), quotes: [...store.quotes.quotes.values()] }),
      customerNumbers: () =>
        [...store.identities.values()].map((i) => {
          const m = /^100-(\d+)$/.exec(String(i.customerNumber ?? ''));
          return m ? Number(m[1]) : null;
        }),
    }),
    crmAdminRouter(store, webhooks),
  );
  const api = express.Router();
  api.use(authRoutes(tokens, { username: opts.username ?? 'admin', password: opts.password ?? 'admin' }));
  api.use(tokens.middleware());
  api.use(identityRoutes(store), listRoutes(store), quoteRoutes(store));
  app.use('/api/v2', api);
  app.use((_req, res) => {
    res.status(404).json({ success: false, message: 'Not Found' });
  });
  app.use(jsonErrorHandler);

  const server = await listen(app, opts.port ?? 0, opts.host ?? '127.0.0.1');
  log.info({ url: server.url, identities: store.identities.size }, 'CRM simulator listening');
  return {
    url: server.url,
    port: server.port,
    store,
    webhooks,
    faults,
    recorder,
    journal: store.journal,
    clock,
    tokens,
    close: async () => {
      webhooks.close();
      await server.close();
    },
  };
}
