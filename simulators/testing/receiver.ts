import http from 'node:http';
import type { AddressInfo } from 'node:net';

// A webhook receiver for tests: records every request, answers with whatever `respond` says.

export interface Received {
  method: string;
  query: Record<string, string>;
}

export interface Receiver {
  url: string;
  received: Received[];
  respond: (n: number) => number;
  close(): Promise<void>;
}

export async function startReceiver(respond: (n: number) => number = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const r: Partial<Receiver> = { received, respond };
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    received.push({ method: req.method ?? '', query: Object.fromEntries(u.searchParams) });
    res.statusCode = r.respond?.(received.length) ?? 200;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  r.url = `http://127.0.0.1:${port}/hooks/secret-abc`;
  r.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return r as Receiver;
}
