import express, { type ErrorRequestHandler, type Express } from 'express';
import type { CallRecorder } from './recorder';
import type { FaultInjector } from './faults';

// The middleware order both simulators share: record first (so faulted and malformed calls are
// recorded too), then faults, then the body parser, then the system's own routes.
export function baseApp(recorder: CallRecorder, faults: FaultInjector): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(recorder.middleware());
  app.use(faults.middleware());
  // GET bodies too: Siagh's GetAll accepts a JSON filter body on GET.
  app.use(express.json({ limit: '20mb', type: () => true }));
  return app;
}

/** A malformed JSON body: ASP.NET answers 400 with a short message. */
export const jsonErrorHandler: ErrorRequestHandler = (err: unknown, _req, res, next) => {
  const e = err as { type?: string; status?: number };
  if (e.type === 'entity.parse.failed') {
    res.status(400).json({ Message: 'The request is invalid.' });
    return;
  }
  if (e.type === 'entity.too.large') {
    res.status(413).json({ Message: 'Request entity too large.' });
    return;
  }
  next(err);
};
