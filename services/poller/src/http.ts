// /health (the process is up), /ready (Kafka connected and every source either led by this instance and
// restored, or led elsewhere), /metrics (Prometheus). Plain node:http: three GET routes need no framework.

import { createServer, type Server } from 'node:http';
import type { PollerMetrics } from './metrics';

export interface Probe {
  ready: () => boolean;
  status: () => Record<string, unknown>;
}

export function startHttp(port: number, host: string, metrics: PollerMetrics, probe: Probe): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    if (path === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
    } else if (path === '/ready') {
      const ok = probe.ready();
      res
        .writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ready: ok, ...probe.status() }));
    } else if (path === '/metrics') {
      metrics.registry
        .metrics()
        .then((text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text))
        .catch(() => res.writeHead(500).end());
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
