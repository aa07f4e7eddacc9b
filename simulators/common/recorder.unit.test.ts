import type { NextFunction, Request, Response } from 'express';
import { CallRecorder } from './recorder';

// The recorder keeps the newest calls up to its bound (trimmed in steps, never seen by a reader).

function record(r: CallRecorder, path: string): void {
  const req = { path, method: 'POST', query: {}, body: null } as unknown as Request;
  const res = { on: () => res, headersSent: false, locals: {} } as unknown as Response;
  r.middleware()(req, res, (() => undefined) as NextFunction);
}

describe('CallRecorder', () => {
  it('lists exactly the newest maxCalls calls, oldest first, however many came', () => {
    const r = new CallRecorder(8);
    for (let i = 1; i <= 8; i++) record(r, `/api/${i}`);
    expect(r.list().map((c) => c.path)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => `/api/${i}`));
    for (let i = 9; i <= 30; i++) {
      record(r, `/api/${i}`);
      const seen = r.list().map((c) => c.seq);
      expect(seen).toEqual(Array.from({ length: 8 }, (_, k) => i - 7 + k));
    }
  });

  it('filters by path prefix and by sequence, and never records its own admin calls', () => {
    const r = new CallRecorder(100);
    record(r, '/api/a');
    record(r, '/_sim/calls');
    record(r, '/api/b/c');
    expect(r.list({ path: '/api/b' }).map((c) => c.path)).toEqual(['/api/b/c']);
    expect(r.list({ since: 1 }).map((c) => c.path)).toEqual(['/api/b/c']);
    expect(r.list().length).toBe(2);
  });
});
