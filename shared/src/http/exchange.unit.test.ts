import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient } from './client';

// The poller paces Siagh by what a GetAll costs Siagh: the exchange, not the time the call waited for
// a slot in our own limiter behind other calls.
describe('the exchange time of a response', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const slow = req.url === '/slow';
      setTimeout(
        () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
        slow ? 400 : 5,
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('leaves out the wait for a slot behind another call', async () => {
    const client = new HttpClient({
      system: 'SIAGH',
      baseUrl: base,
      rateLimit: { perSecond: 1000, maxConcurrent: 1 },
    });
    const slow = client.request({ method: 'GET', path: '/slow', idempotent: true });
    const started = performance.now();
    const quick = await client.request({ method: 'GET', path: '/quick', idempotent: true });
    const waited = performance.now() - started;
    expect((await slow).exchangeMs).toBeGreaterThanOrEqual(390);
    // The quick call waited for the slow one's slot, but its exchange did not include that wait.
    expect(waited).toBeGreaterThanOrEqual(390);
    expect(quick.exchangeMs).toBeLessThan(waited - 200);
    expect(quick.json).toEqual({ ok: true });
    await client.close();
  });
});
