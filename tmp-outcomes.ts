import { createLogger } from '@siaghsync/shared/logger';
import { createKafka } from '@siaghsync/shared/kafka/index';
import { EventCodec } from '@siaghsync/shared/registry';
import { readTopicToEnd } from './test/harness/readTopic';
const prefix = process.argv[2]!;
const kafka = createKafka({ brokers: ['127.0.0.1:9092'], clientId: 'x', logger: createLogger({ service: 'x', level: 'error' }) });
const codec = new EventCodec('http://127.0.0.1:8081/apis/ccompat/v7');
const rows: any[] = [];
await readTopicToEnd(kafka, `${prefix}siaghsync.outcomes`, async (m) => { rows.push(await codec.decode(m.value!)); });
const t0 = Math.min(...rows.map((r) => r.occurredAt));
const by = new Map<string, number[]>();
for (const r of rows) { const k = `${r.status}/${r.trigger}`; by.set(k, [...(by.get(k) ?? []), r.durationMs ?? 0]); }
const q = (xs: number[], p: number) => xs.sort((a, b) => a - b)[Math.floor(xs.length * p)] ?? 0;
for (const [k, xs] of [...by].sort((a, b) => b[1].length - a[1].length)) console.log(k.padEnd(28), xs.length, 'dur p50', q(xs, 0.5), 'p90', q(xs, 0.9), 'max', q(xs, 0.999));
const sec = new Map<number, Record<string, number>>();
for (const r of rows) { const s = Math.floor((r.occurredAt - t0) / 2000) * 2; const o = sec.get(s) ?? {}; o[r.status] = (o[r.status] ?? 0) + 1; sec.set(s, o); }
for (const [s, o] of [...sec].sort((a, b) => a[0] - b[0])) console.log(String(s).padStart(4), JSON.stringify(o));
process.exit(0);
