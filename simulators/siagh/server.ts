import { SimClock } from '../common/clock';
import { FaultInjector, type FaultConfigInput } from '../common/faults';
import { CallRecorder } from '../common/recorder';
import type { WriteJournal } from '../common/journal';
import { commonAdminRouter } from '../common/admin';
import { baseApp, jsonErrorHandler } from '../common/app';
import { listen } from '../common/http';
import { createLogger, type Logger } from '../common/logger';
import { generateDataset, type DatasetOptionsInput } from '../data/generator';
import { SiaghStore } from './store';
import { SiaghSessions } from './auth';
import { siaghAdminRouter } from './admin';
import { loginRoutes } from './routes/login';
import { contactRoutes } from './routes/contacts';
import { preInvoiceRoutes } from './routes/preInvoices';
import { saveFormDataRoutes } from './routes/saveFormData';
import type { PreInvoice, SiaghContact } from './types';

export interface SiaghSimOptions {
  /** 0 (the default) picks a free port; tests always use 0. */
  port?: number;
  host?: string;
  username?: string;
  /** The plain password; clients must send its upper-case hex MD5. */
  password?: string;
  /** Sliding session lifetime (default 20 minutes). */
  sessionTtlMs?: number;
  /** Pre-invoices older than this refuse edits (default: never, only via the admin API). */
  autoFinalizeMs?: number;
  /** First contact Code handed out (default 1001) and first document number (default 1). */
  firstCode?: number;
  firstDocumentNo?: number;
  data?: { contacts?: SiaghContact[]; preInvoices?: PreInvoice[] };
  /** Or generate them: the Siagh side of generateDataset(dataset). */
  dataset?: DatasetOptionsInput;
  faults?: FaultConfigInput;
  clockOffsetMs?: number;
  maxRecordedCalls?: number;
  logger?: Logger;
}

export interface SiaghSimulator {
  url: string;
  port: number;
  store: SiaghStore;
  faults: FaultInjector;
  recorder: CallRecorder;
  /** Every customer create, update and delete, by the API or the simulated UI (common/journal.ts). */
  journal: WriteJournal;
  clock: SimClock;
  sessions: SiaghSessions;
  close(): Promise<void>;
}

export async function startSiaghSimulator(opts: SiaghSimOptions = {}): Promise<SiaghSimulator> {
  const log = opts.logger ?? createLogger('siagh-sim');
  const clock = new SimClock(opts.clockOffsetMs ?? 0);
  const store = new SiaghStore(clock, opts.firstCode ?? 1001, opts.firstDocumentNo ?? 1);
  if (opts.dataset) store.load(generateDataset(opts.dataset).siagh.contacts);
  if (opts.data?.contacts) store.load(opts.data.contacts);
  for (const p of opts.data?.preInvoices ?? []) store.preInvoices.set(p.ShomareSanad, structuredClone(p));

  const sessions = new SiaghSessions(opts.sessionTtlMs ?? 20 * 60_000);
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
      expireSessions: () => sessions.expireAll(),
      dump: () => store.dump(),
      customerNumbers: () =>
        [...store.contacts.values()].map((c) =>
          /^\d+$/.test(String(c.tmpid ?? '')) ? Number(c.tmpid) : null,
        ),
    }),
    siaghAdminRouter(store),
  );
  const username = opts.username ?? 'admin';
  app.use(loginRoutes(sessions, store, { username, password: opts.password ?? 'admin', contactCode: 1 }));
  const gate = sessions.middleware();
  app.use((req, res, next) => {
    // Routes are case-insensitive (IIS), so the gate must be too.
    const p = req.path.toLowerCase();
    if (p.startsWith('/api/') || p.startsWith('/bpmsapi/')) gate(req, res, next);
    else next();
  });
  app.use(
    contactRoutes(store),
    preInvoiceRoutes(store),
    saveFormDataRoutes(store, { autoFinalizeMs: opts.autoFinalizeMs }),
  );
  app.use((_req, res) => {
    res.status(404).json({ Message: 'No HTTP resource was found that matches the request URI.' });
  });
  app.use(jsonErrorHandler);

  const server = await listen(app, opts.port ?? 0, opts.host ?? '127.0.0.1');
  log.info({ url: server.url, contacts: store.contacts.size }, 'Siagh simulator listening');
  return {
    url: server.url,
    port: server.port,
    store,
    faults,
    recorder,
    journal: store.journal,
    clock,
    sessions,
    close: () => server.close(),
  };
}
