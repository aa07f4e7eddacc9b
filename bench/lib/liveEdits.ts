// Live edits made while the import runs, as a person would: an email changed on one side of a pair
// (through the simulators' UI routes, so the CRM sends its webhook and Siagh waits for the poller), then
// watched on the other side through the public API until it shows the new value.

import { CrmClient } from '../../shared/src/crm/client';
import { SiaghClient } from '../../shared/src/siagh/client';
import { json } from './procStats';

export interface Pending {
  side: 'crm' | 'siagh';
  at: number;
  email: string;
  /** Where to look: the counterpart's id. */
  crmId: string;
  code: number;
}

async function send(url: string, method: string, body: unknown): Promise<void> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) throw new Error(`${method} ${url}: HTTP ${res.status}`);
}

export interface SiaghArrival {
  at: number;
  email: string;
  /** Edit to arrival in the CRM. */
  ms: number;
}

export class LiveEdits {
  private readonly pending: Pending[] = [];
  readonly crmToSiagh: number[] = [];
  readonly siaghToCrm: number[] = [];
  /** The Siagh edits that arrived, to find the poll that saw each (pollWaits.ts). */
  readonly siaghArrived: SiaghArrival[] = [];
  private timers: NodeJS.Timeout[] = [];
  private seq = 0;
  private checking = false;

  private constructor(
    private readonly crmUrl: string,
    private readonly siaghUrl: string,
    private readonly pairs: [string, number][],
    private readonly crm: CrmClient,
    private readonly siagh: SiaghClient,
  ) {}

  /** Pairs are the dataset's first `pairsCount` customer numbers (generator.ts: the overlap). */
  static async start(
    crmUrl: string,
    siaghUrl: string,
    pairsCount: number,
    ratePerSide: number,
  ): Promise<LiveEdits> {
    const [c, s] = await Promise.all([
      json<{ identities: { crmId: string; customerNumber: string | null }[] }>(`${crmUrl}/_sim/dump`),
      json<{ contacts: { Code: number; tmpid: string | null }[] }>(`${siaghUrl}/_sim/dump`),
    ]);
    const byNumber = new Map(s.contacts.map((x) => [String(x.tmpid), x.Code]));
    const pairs: [string, number][] = [];
    for (const i of c.identities) {
      const n = /^100-(\d+)$/.exec(i.customerNumber ?? '')?.[1];
      const code = n && Number(n) <= pairsCount ? byNumber.get(n) : undefined;
      if (code !== undefined) pairs.push([i.crmId, code]);
    }
    const client = { username: 'admin', password: 'admin', rateLimitPerSecond: 100_000, timeoutMs: 30_000 };
    const e = new LiveEdits(
      crmUrl,
      siaghUrl,
      pairs,
      new CrmClient({ ...client, baseUrl: crmUrl }),
      new SiaghClient({ ...client, baseUrl: siaghUrl }),
    );
    const gap = 1000 / ratePerSide;
    e.timers.push(setInterval(() => void e.edit('crm').catch(() => undefined), gap));
    e.timers.push(setInterval(() => void e.edit('siagh').catch(() => undefined), gap));
    e.timers.push(setInterval(() => void e.check(), 500));
    return e;
  }

  private async edit(side: 'crm' | 'siagh'): Promise<void> {
    const pair = this.pairs[Math.floor(Math.random() * this.pairs.length)];
    if (!pair) return;
    const [crmId, code] = pair;
    const email = `live.${side}.${++this.seq}.${Date.now().toString(36)}@example.ir`;
    const at = Date.now();
    if (side === 'crm') await send(`${this.crmUrl}/_sim/identities/${crmId}`, 'PATCH', { email });
    else await send(`${this.siaghUrl}/_sim/contacts/${code}`, 'PATCH', { Email: email });
    // A newer edit of the same pair replaces the one before it: only the last can arrive.
    for (const old of this.pending.filter((x) => x.crmId === crmId))
      this.pending.splice(this.pending.indexOf(old), 1);
    this.pending.push({ side, at, email, crmId, code });
  }

  /**
   * Looks at every pending edit's other side at once: looked at one after another, the last of twenty
   * was seen seconds after it arrived (the simulators are busy with the import), and that wait was
   * counted as the pipeline's.
   */
  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      await Promise.all([...this.pending].map((p) => this.look(p).catch(() => undefined)));
    } finally {
      this.checking = false;
    }
  }

  /** One pending edit: arrived when the other side shows its value (a failed look is retried next round). */
  private async look(p: Pending): Promise<void> {
    const there =
      p.side === 'crm'
        ? (await this.siagh.findContacts({ Code: p.code }))[0]?.Email
        : (await this.crm.getIdentity(p.crmId))?.record.email;
    if (typeof there !== 'string' || there.toLowerCase() !== p.email.toLowerCase()) return;
    const ms = Date.now() - p.at;
    const i = this.pending.indexOf(p);
    // Replaced meanwhile by a newer edit of the same pair: only the last one counts.
    if (i < 0) return;
    (p.side === 'crm' ? this.crmToSiagh : this.siaghToCrm).push(ms);
    if (p.side === 'siagh') this.siaghArrived.push({ at: p.at, email: p.email, ms });
    this.pending.splice(i, 1);
  }

  /** Stops editing; waits up to settleMs for the edits still on their way. */
  async stop(settleMs: number): Promise<{
    crmToSiagh: number[];
    siaghToCrm: number[];
    siaghArrived: SiaghArrival[];
    lost: number;
    lostEdits: Pending[];
  }> {
    for (const t of this.timers.splice(0, 2)) clearInterval(t);
    const end = Date.now() + settleMs;
    while (this.pending.length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 500));
    for (const t of this.timers) clearInterval(t);
    await Promise.all([this.crm.close(), this.siagh.close()]);
    return {
      crmToSiagh: this.crmToSiagh,
      siaghToCrm: this.siaghToCrm,
      siaghArrived: this.siaghArrived,
      lost: this.pending.length,
      lostEdits: [...this.pending],
    };
  }
}
