// The benchmark's load: CRM edits at a fixed rate through the simulator's API, each setting a unique
// e-mail address, with progress while they go out.

import { Presets, SingleBar } from 'cli-progress';
import { now, tokenOf, type WriteWatcher } from './writes';

const say = (m: string) => process.stderr.write(`[bench e2e] ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Progress on a terminal as a bar, elsewhere (CI logs) as a line every 5 s. */
function progress(label: string, total: number, written: () => number) {
  const tty = process.stderr.isTTY;
  const bar = new SingleBar(
    { format: `[bench e2e] ${label} |{bar}| {value}/{total} edits, {written} written`, hideCursor: true },
    Presets.shades_classic,
  );
  if (tty) bar.start(total, 0, { written: 0 });
  let sent = 0;
  let lastLine = Date.now();
  return {
    update(n: number) {
      sent = n;
      if (tty) bar.update(n, { written: written() });
      else if (Date.now() - lastLine >= 5000) {
        lastLine = Date.now();
        say(`${label}: ${sent}/${total} edits, ${written()} written`);
      }
    },
    stop() {
      if (tty) {
        bar.update(sent, { written: written() });
        bar.stop();
      }
    },
  };
}

export interface Edit {
  key: string;
  id: string;
  editMs: number;
}

/** Edits `count` records at `rate`/s on a fixed schedule (open loop: a late answer delays nothing). */
export async function editAtRate(
  crmUrl: string,
  ids: readonly string[],
  tag: string,
  count: number,
  rate: number,
  written: () => number,
): Promise<{ edits: Edit[]; failed: number; seconds: number }> {
  const edits: Edit[] = [];
  const inFlight: Promise<void>[] = [];
  let failed = 0;
  const bar = progress(tag === 'w' ? 'warm-up' : 'timed', count, written);
  const start = now();
  for (let k = 0; k < count; k++) {
    const wait = start + (k * 1000) / rate - now();
    if (wait > 1) await sleep(wait);
    const id = ids[k % ids.length]!;
    const editMs = now();
    edits.push({ key: `${tag}${k}`, id, editMs });
    inFlight.push(
      fetch(`${crmUrl}/_sim/identities/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: tokenOf(tag, k) }),
        signal: AbortSignal.timeout(10_000),
      }).then(
        (r) => void (r.ok || failed++),
        () => void failed++,
      ),
    );
    bar.update(k + 1);
  }
  const seconds = (now() - start) / 1000;
  await Promise.all(inFlight);
  bar.stop();
  return { edits, failed, seconds };
}

export async function waitWrites(watcher: WriteWatcher, tag: string, count: number, timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  while (watcher.count(tag) < count && Date.now() < end) await sleep(250);
}
