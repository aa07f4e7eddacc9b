import { MongoClient } from 'mongodb';
import { topicName, type Kafka, type TopicKey } from '@siaghsync/shared/kafka/index';
import { viewHash, type ViewHash } from '../../services/projector/src/store/hash';
import type { Finding } from './checker';

// "Views equal to a fresh rebuild": once the pipeline is idle and the live views have folded the whole
// log, the projector rebuilds them from offset 0 through its operator API, and both versions' hashes
// (services/projector/src/store/hash.ts) must be equal. Only the projector's public surface is used.
// Its runner positions itself after the last data record of a fetched batch, not after a trailing
// transaction marker: on a log written in transactions its committed offsets stop one short of the end
// and a rebuild does not reach the end offsets it waits for before the switch.

/** The topics the projector folds (its STREAMS). */
const STREAM_TOPICS: TopicKey[] = ['outcomes', 'conflicts', 'deadLetters', 'entityState', 'work'];

export interface ViewCheckTarget {
  url: string;
  token: string;
  mongoUri: string;
  db: string;
  kafka: Kafka;
  prefix: string;
  /** PROJECTOR_GROUP_ID: version n reads as `<groupId>.v<n>`. */
  groupId: string;
  timeoutMs: number;
}

export interface ViewCheck {
  findings: Finding[];
  live: number | null;
  rebuilt: number | null;
  hash: string | null;
  /** Documents per view of the rebuilt version. */
  counts: Record<string, number>;
  ms: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ViewsStatus {
  live: number | null;
}

async function api<T>(t: ViewCheckTarget, method: 'GET' | 'POST', path: string): Promise<T> {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${t.token}` },
    signal: AbortSignal.timeout(15_000),
  });
  if (!res.ok) throw new Error(`projector ${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** End offset per topic:partition of every topic the views fold. */
async function endOffsets(kafka: Kafka, prefix: string): Promise<Map<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const out = new Map<string, number>();
    for (const key of STREAM_TOPICS) {
      const topic = topicName(key, prefix);
      for (const p of await admin.fetchTopicOffsets(topic))
        out.set(`${topic}:${p.partition}`, Number(p.high));
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

async function committedOf(
  kafka: Kafka,
  groupId: string,
  ends: Map<string, number>,
): Promise<Map<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const committed = new Map<string, number>();
    const topics = [...new Set([...ends.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))))];
    for (const t of await admin.fetchOffsets({ groupId, topics }))
      for (const p of t.partitions) committed.set(`${t.topic}:${p.partition}`, Number(p.offset));
    return committed;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Partitions where the group's committed offset (the projector commits after its write) is short of the
 * end by more than the trailing transaction marker, which the projector does not commit past (see
 * views.ts's header). If the offset left were a record the live views lack, the rebuild's hash differs.
 */
function lateOf(ends: Map<string, number>, committed: Map<string, number>): string[] {
  const at = (k: string) => committed.get(k) ?? -1;
  return [...ends]
    .filter(([k, end]) => (at(k) < 0 ? end > 0 : end - at(k) > 1))
    .map(([k, end]) => `${k} ${at(k)}/${end}`);
}

const snapshotOf = (ends: Map<string, number>, committed: Map<string, number>) =>
  [...ends].map(([k, end]) => `${k}=${committed.get(k) ?? -1}/${end}`).join(' ');

const sameOffsets = (a: Map<string, number>, b: Map<string, number>) =>
  a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

export function compareHashes(live: ViewHash, rebuilt: ViewHash): Finding[] {
  if (live.total === rebuilt.total) return [];
  const views = Object.keys(rebuilt.views) as (keyof ViewHash['views'])[];
  const differ = views
    .filter((v) => live.views[v]?.hash !== rebuilt.views[v].hash)
    .map((v) => `${v} (${live.views[v]?.count ?? 0} live / ${rebuilt.views[v].count} rebuilt docs)`);
  return [
    { kind: 'views-differ', n: null, detail: `views differ from a fresh rebuild: ${differ.join(', ')}` },
  ];
}

export async function checkViews(t: ViewCheckTarget): Promise<ViewCheck> {
  const t0 = Date.now();
  const deadline = t0 + t.timeoutMs;
  const result: ViewCheck = { findings: [], live: null, rebuilt: null, hash: null, counts: {}, ms: 0 };
  const mongo = new MongoClient(t.mongoUri);
  try {
    const db = mongo.db(t.db);
    // Caught up = the live version's committed offsets at the end of every topic and unchanged since the
    // previous look, and the log not grown while its hash was taken.
    let liveHash: ViewHash | null = null;
    let liveAt = new Map<string, number>();
    let ends = new Map<string, number>();
    let previous = '';
    for (;;) {
      const live = (await api<ViewsStatus>(t, 'GET', '/api/views')).live;
      ends = await endOffsets(t.kafka, t.prefix);
      const committed =
        live === null ? new Map<string, number>() : await committedOf(t.kafka, `${t.groupId}.v${live}`, ends);
      const late = live === null ? ['no live version'] : lateOf(ends, committed);
      const snapshot = snapshotOf(ends, committed);
      const settled = snapshot === previous;
      previous = snapshot;
      if (live !== null && late.length === 0 && settled) {
        const h = await viewHash(db, live);
        if (sameOffsets(ends, await endOffsets(t.kafka, t.prefix))) {
          result.live = live;
          liveHash = h;
          liveAt = committed;
          break;
        }
      }
      if (Date.now() > deadline) {
        result.findings.push({
          kind: 'views-behind',
          n: null,
          detail: `projector not caught up after ${t.timeoutMs} ms: ${late.slice(0, 5).join(', ')}`,
        });
        return result;
      }
      await sleep(500);
    }
    // The rebuild is compared once it is live, or as soon as it has committed exactly the offsets the live
    // version had: both have then folded the same records (the switch also waits for the markers).
    const started = await api<{ rebuild: { version: number } }>(t, 'POST', '/api/views/rebuild');
    const version = started.rebuild.version;
    for (;;) {
      const switched = (await api<ViewsStatus>(t, 'GET', '/api/views')).live === version;
      const at = await committedOf(t.kafka, `${t.groupId}.v${version}`, ends);
      if (switched || snapshotOf(ends, at) === snapshotOf(ends, liveAt)) break;
      if (Date.now() > deadline) {
        result.findings.push({
          kind: 'views-behind',
          n: null,
          detail: `rebuild v${version} short of the live version after ${t.timeoutMs} ms: ${lateOf(ends, at).slice(0, 5).join(', ')}`,
        });
        return result;
      }
      await sleep(500);
    }
    const rebuilt = await viewHash(db, version);
    result.rebuilt = version;
    result.hash = rebuilt.total;
    result.counts = Object.fromEntries(Object.entries(rebuilt.views).map(([k, v]) => [k, v.count]));
    if (!sameOffsets(ends, await endOffsets(t.kafka, t.prefix))) {
      // Not a divergence of the projector: the log itself moved while the pipeline was said to be idle.
      result.findings.push({ kind: 'views-behind', n: null, detail: 'the log grew during the view check' });
      return result;
    }
    result.findings.push(...compareHashes(liveHash, rebuilt));
    return result;
  } finally {
    result.ms = Date.now() - t0;
    await mongo.close();
  }
}

export async function dropDatabase(mongoUri: string, name: string): Promise<void> {
  const mongo = new MongoClient(mongoUri);
  try {
    await mongo.db(name).dropDatabase();
  } finally {
    await mongo.close();
  }
}
