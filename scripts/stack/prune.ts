import { Kafka, logLevel } from 'kafkajs';

// Tests, benchmarks and convergence runs each make their own topics (a prefix with the time in it) and
// leave them behind. On a developer's stack they pile up (7,000 partitions after a few weeks), and a
// broker that holds them takes minutes to restart, which the fault tests then take for an outage of
// their own. Topics of runs older than a few hours are deleted; nothing else is ever touched.

/** Prefixes of a run: [pattern, the base-36 time in it]. `Date.now().toString(36)` has 8 digits until 2059. */
const RUN_PREFIXES: RegExp[] = [
  /^t([0-9a-z]{8})[0-9a-f]{6}-[A-Za-z0-9_-]+\.siaghsync\./, // test/harness/names.ts uniqueName
  /^conv\d+-([0-9a-z]{8})[0-9a-f]{4}\.siaghsync\./, // test/convergence/scenario.ts
  /^(?:benchimport|restore|benche2e|bench-ingest-|bench)([0-9a-z]{8})\.siaghsync\./, // bench/
];

/** When the run that made this topic began (ms since the epoch), or null when it is not a run's topic. */
export function runStartOf(topic: string): number | null {
  for (const re of RUN_PREFIXES) {
    const m = re.exec(topic);
    if (!m) continue;
    const t = parseInt(m[1]!, 36);
    // A plausible time (2020..2100), so a deployment's own prefix that happens to match is left alone.
    if (t > Date.UTC(2020, 0, 1) && t < Date.UTC(2100, 0, 1)) return t;
  }
  return null;
}

export function staleRunTopics(topics: readonly string[], now: number, olderThanMs: number): string[] {
  return topics.filter((t) => {
    const started = runStartOf(t);
    return started !== null && now - started > olderThanMs;
  });
}

/** Deletes the topics of runs that began more than `olderThanMs` ago; returns how many. */
export async function pruneRunTopics(
  brokers: string[],
  olderThanMs: number,
  now = Date.now(),
): Promise<number> {
  const admin = new Kafka({ brokers, clientId: 'stack-prune', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const stale = staleRunTopics(await admin.listTopics(), now, olderThanMs);
    const gone = (e: unknown) => (e as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION';
    for (let i = 0; i < stale.length; i += 100) {
      const batch = stale.slice(i, i + 100);
      try {
        await admin.deleteTopics({ topics: batch, timeout: 60_000 });
      } catch (e) {
        // One of them is already gone (another prune, a run's own clean-up): the others one by one.
        if (!gone(e)) throw e;
        for (const topic of batch)
          await admin.deleteTopics({ topics: [topic], timeout: 60_000 }).catch((err: unknown) => {
            if (!gone(err)) throw err;
          });
      }
    }
    return stale.length;
  } finally {
    await admin.disconnect();
  }
}
