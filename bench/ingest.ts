// `npm run bench -- ingest`: webhooks/s and p50/p99 latency of the ingest service under autocannon,
// beside a bare node:http server that only encodes and produces the same event with the same producer
// settings (idempotent, acks=all), measured in the same run on the same broker. Loopback only; each
// server runs in its own process so the load generator does not share its event loop.
// Needs the stack (npm run stack -- up) or KAFKA_BROKERS / SCHEMA_REGISTRY_URL.

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { pino } from 'pino';
import {
  createIdempotentProducer,
  createKafka,
  ensureTopics,
  topicName,
} from '@siaghsync/shared/kafka/index';
import { EventCodec } from '@siaghsync/shared/registry';
import { deterministicEventId, newChangeEvent, sourceKey } from '@siaghsync/shared/events';
import { createApp } from '../services/ingest/src/app';
import { KafkaPublisher } from '../services/ingest/src/publisher';
import { figure, printTable, writeResults } from './lib/results';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const REGISTRY = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const DURATION_S = Number(process.env.BENCH_INGEST_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_INGEST_CONNECTIONS ?? 32);
const SECRET = 'bench-ingest-secret-0123456789';
const SUBTYPE = encodeURIComponent('مخاطب حقیقی siagh');

async function serve(kind: 'ingest' | 'bare', prefix: string): Promise<void> {
  // Logs go nowhere but are still formatted: the cost of production logging is part of the figure.
  const logger = pino(
    { level: process.env.BENCH_INGEST_LOG_LEVEL ?? 'info' },
    pino.destination({ dest: '/dev/null', sync: false }),
  );
  const kafka = createKafka({ brokers: BROKERS, clientId: `bench-${kind}`, logger });
  const codec = new EventCodec(REGISTRY);
  await codec.registerAll(['ChangeEvent']);
  let server;
  if (kind === 'ingest') {
    const publisher = new KafkaPublisher({
      kafka,
      codec,
      topicPrefix: prefix,
      timeoutMs: 2000,
      maxInFlight: 5000,
      logger,
    });
    await publisher.start();
    const { app } = createApp({
      config: {
        crmSecrets: [SECRET],
        crmAllowedIps: [],
        signingKeys: new Map(),
        trustProxy: false,
        bodyLimitBytes: 16_384,
        rateLimit: { points: 10_000_000, windowMs: 1000 },
        authFailuresPerMinute: 30,
        retryAfterS: 5,
        crmDedupWindowMs: 1000,
        signedToleranceS: 300,
      },
      publisher,
      readiness: () => Promise.resolve({ ready: true, checks: {} }),
      logger,
    });
    server = app.listen(0, '127.0.0.1');
  } else {
    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    const topic = topicName('changes', prefix);
    server = createServer((req, res) => {
      const q = new URL(req.url ?? '/', 'http://x').searchParams;
      const id = q.get('id') ?? '';
      const observedTime = Date.now();
      const event = newChangeEvent({
        eventId: deterministicEventId(
          'crm-webhook',
          'Identity',
          id,
          'Update',
          1000,
          Math.floor(observedTime / 1000),
        ),
        source: 'crm',
        entityType: 'customer',
        sourceId: id,
        operation: 'upsert',
        observedTime,
        trigger: 'webhook',
        correlationId: randomUUID(),
        attributes: {
          crmType: 'Identity',
          crmEvent: 'Update',
          identityKind: 'person',
          subtype: q.get('subtype') ?? '',
          delivery: 'crm-thin',
        },
      });
      codec
        .encode('ChangeEvent', event)
        .then((value) =>
          producer.send({
            topic,
            acks: -1,
            messages: [
              {
                key: sourceKey('crm', id),
                value,
                headers: { eventId: event.eventId, correlationId: event.correlationId },
              },
            ],
          }),
        )
        .then(
          () => {
            res.writeHead(202, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ status: 'accepted', eventId: event.eventId }));
          },
          () => {
            res.writeHead(503);
            res.end();
          },
        );
    }).listen(0, '127.0.0.1');
  }
  // Exit cleanly on SIGINT so --cpu-prof can write its profile.
  process.on('SIGINT', () => process.exit(0));
  server.on('listening', () => {
    const addr = server.address();
    process.stdout.write(`PORT ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
  });
}

function startServer(kind: 'ingest' | 'bare', prefix: string): Promise<{ child: ChildProcess; url: string }> {
  const prof = process.env.BENCH_INGEST_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/ingest-prof'] : [];
  const child = spawn(
    process.execPath,
    [...prof, '--import', 'tsx', fileURLToPath(import.meta.url), '--serve', kind, prefix],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} server did not start in 60 s`)), 60_000);
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${m[1]}` });
      }
    });
    child.on('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

const guid = () => randomUUID();

async function load(url: string, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({
          ...req,
          path: `/webhooks/crm/${SECRET}?event=Update&id=${guid()}&type=Identity&subtype=${SUBTYPE}`,
        }),
      },
    ],
  });
}

async function main(): Promise<void> {
  const prefix = `bench-ingest-${Date.now().toString(36)}.`;
  const kafka = createKafka({ brokers: BROKERS, clientId: 'bench-setup', logger: pino({ level: 'silent' }) });
  await ensureTopics(kafka, prefix, ['changes']);
  const results: Record<string, autocannon.Result> = {};
  // BENCH_INGEST_ORDER=ingest-first swaps the order, to check that the order does not decide the ratio.
  const order: ('ingest' | 'bare')[] =
    process.env.BENCH_INGEST_ORDER === 'ingest-first' ? ['ingest', 'bare'] : ['bare', 'ingest'];
  for (const kind of order) {
    const { child, url } = await startServer(kind, prefix);
    try {
      await load(url, 2); // warm-up: JIT, connections, producer metadata
      results[kind] = await load(url, DURATION_S);
    } finally {
      child.kill('SIGINT');
    }
  }
  const bare = results.bare!;
  const ing = results.ingest!;
  const errors = (r: autocannon.Result) => r.non2xx + r.errors + r.timeouts;
  const figures = [
    figure({
      name: 'webhooks/s',
      value: ing.requests.average,
      unit: 'req/s',
      baseline: 'bare node:http, one send per request, same producer',
      baselineValue: bare.requests.average,
      goal: '>= 0.7x bare',
      met: ing.requests.average >= 0.7 * bare.requests.average,
    }),
    figure({
      name: 'p50 latency',
      value: ing.latency.p50,
      unit: 'ms',
      baseline: 'bare p50',
      baselineValue: bare.latency.p50,
      goal: 'informational (lower is better)',
      met: true,
    }),
    figure({
      name: 'p99 latency',
      value: ing.latency.p99,
      unit: 'ms',
      baseline: 'bare p99',
      baselineValue: bare.latency.p99,
      goal: 'informational (lower is better)',
      met: true,
    }),
    figure({
      name: 'failed requests',
      value: errors(ing),
      unit: 'count',
      baseline: 'bare failed',
      baselineValue: errors(bare),
      goal: '0',
      met: errors(ing) === 0,
    }),
  ];
  printTable(`ingest (${CONNECTIONS} connections, ${DURATION_S} s each, acks=all, loopback)`, figures);
  const file = writeResults('ingest', figures);
  const ratio = figures[0]!.ratio;
  process.stdout.write(
    `\nsummary: ingest ${Math.round(ing.requests.average)} webhooks/s vs bare ${Math.round(bare.requests.average)} (${ratio}x, goal >= 0.7x: ${figures[0]!.met ? 'met' : 'NOT met'}); ` +
      `p50 ${ing.latency.p50} ms vs ${bare.latency.p50} ms, p99 ${ing.latency.p99} ms vs ${bare.latency.p99} ms. Written to ${file}\n`,
  );
  process.exit(figures.every((f) => f.met) ? 0 : 1);
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt >= 0) {
  void serve(process.argv[serveAt + 1] as 'ingest' | 'bare', process.argv[serveAt + 2] ?? '');
} else {
  main().catch((err: unknown) => {
    process.stderr.write(`ingest benchmark failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
