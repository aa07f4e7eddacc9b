import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { selfContainedSchema } from '@siaghsync/schemas';
import { forwardTo } from '../../../test/harness/forward';

// A schema registry that fails on purpose: every request goes through to the real one, except the fetch
// of a schema id the test refuses, answered "not found" (a replica or cache that does not have a new
// producer's schema yet) or with a dropped connection (the registry down).

export interface RegistryProxy {
  /** SCHEMA_REGISTRY_URL for the syncer under test. */
  url: string;
  refuseSchema(id: number, how: 404 | 'down'): void;
  pass(): void;
  /** Schema fetches refused so far. */
  refused(): number;
  /** Registers WorkEvent with one more optional field under `subject` (on the real registry); its id. */
  registerVariant(subject: string): Promise<number>;
  close(): Promise<void>;
}

export async function registryProxy(upstream: string): Promise<RegistryProxy> {
  const target = new URL(upstream);
  let refusing: { id: number; how: 404 | 'down' } | null = null;
  let refusals = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (refusing && req.method === 'GET' && req.url?.endsWith(`/schemas/ids/${refusing.id}`)) {
        refusals++;
        if (refusing.how === 'down') return void req.socket.destroy();
        res.writeHead(404, { 'Content-Type': 'application/vnd.schemaregistry.v1+json' });
        return void res.end(JSON.stringify({ error_code: 40403, message: 'Schema not found' }));
      }
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      forwardTo(target.origin, req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    refuseSchema(id, how) {
      refusing = { id, how };
    },
    pass() {
      refusing = null;
    },
    refused: () => refusals,
    async registerVariant(subject) {
      const schema = selfContainedSchema('WorkEvent') as { fields: unknown[] };
      const variant = {
        ...schema,
        fields: [...schema.fields, { name: 'note', type: ['null', 'string'], default: null }],
      };
      const res = await fetch(`${upstream}/subjects/${encodeURIComponent(subject)}/versions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
        body: JSON.stringify({ schema: JSON.stringify(variant), schemaType: 'AVRO' }),
      });
      if (!res.ok) throw new Error(`register ${subject}: HTTP ${res.status} ${await res.text()}`);
      return ((await res.json()) as { id: number }).id;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
