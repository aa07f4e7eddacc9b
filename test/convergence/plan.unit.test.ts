import { planFaults } from './faults';
import { generateOps, quoteLines, rng } from './generator';

describe('planFaults', () => {
  it('is the same plan for the same seed', () => {
    const o = { seed: 7, durationMs: 60_000, kills: true, killProjector: true };
    expect(planFaults(o)).toEqual(planFaults(o));
  });

  it('kills both the syncer and the projector at least once when both are in the schedule', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const plan = planFaults({ seed, durationMs: 12_000, kills: true, killProjector: true });
      const killed = new Set(plan.filter((e) => e.kind === 'kill').map((e) => e.target));
      expect([...killed].sort()).toEqual(['projector', 'syncer']);
    }
  });

  it('never kills the projector unless asked, and nothing without kills', () => {
    for (let seed = 1; seed <= 30; seed++) {
      expect(
        planFaults({ seed, durationMs: 60_000, kills: true, killProjector: false }).filter(
          (e) => e.target === 'projector',
        ),
      ).toEqual([]);
      expect(
        planFaults({ seed, durationMs: 60_000, kills: false, killProjector: true }).filter(
          (e) => e.kind === 'kill',
        ),
      ).toEqual([]);
    }
  });

  it('restarts a broker only when asked, spread evenly over the load', () => {
    const restarts = (brokerRestarts: number) =>
      planFaults({ seed: 5, durationMs: 30_000, kills: true, killProjector: true, brokerRestarts })
        .filter((e) => e.target === 'kafka')
        .map((e) => e.at);
    expect(restarts(1)).toEqual([15_000]);
    expect(restarts(2)).toEqual([10_000, 20_000]);
    expect(restarts(0)).toEqual([]);
  });

  it('keeps kills of one process more than 12 s apart', () => {
    const kills = planFaults({ seed: 3, durationMs: 300_000, kills: true, killProjector: true })
      .filter((e) => e.kind === 'kill')
      .map((e) => e.at);
    for (let i = 1; i < kills.length; i++) expect(kills[i]! - kills[i - 1]!).toBeGreaterThan(12_000);
  });
});

describe('generateOps with quotes', () => {
  const ops = generateOps({ seed: 1, ops: 2000, rate: 10, initial: 40, siaghOnly: 16 });

  it('makes quotes and quote edits, each edit of a quote made earlier', () => {
    const made = new Map<number, number>();
    for (const op of ops) {
      if (op.kind === 'quote') made.set(op.q, op.at);
      if (op.kind === 'quoteEdit') expect(made.get(op.q)).toBeLessThanOrEqual(op.at);
    }
    expect(made.size).toBeGreaterThan(60);
    expect(ops.filter((o) => o.kind === 'quoteEdit').length).toBeGreaterThan(20);
  });

  it('is deterministic', () => {
    expect(generateOps({ seed: 1, ops: 2000, rate: 10, initial: 40, siaghOnly: 16 })).toEqual(ops);
  });

  it('names the fractional price it makes on purpose, on exactly the quotes and edits that have one', () => {
    const quoteOps = ops.filter((o) => o.kind === 'quote' || o.kind === 'quoteEdit');
    const fractional = quoteOps.filter((o) => o.lines.some((l) => !Number.isInteger(l.baseUnitPrice)));
    expect(fractional.length).toBeGreaterThan(0);
    for (const o of quoteOps) expect(o.fault === 'fractional-price').toBe(fractional.includes(o));
  });
});

describe('quoteLines', () => {
  it('gives 1-3 lines of whole rials, a fractional price in about one quote in twenty', () => {
    const r = rng(11);
    let bad = 0;
    for (let i = 0; i < 2000; i++) {
      const lines = quoteLines(r);
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines.length).toBeLessThanOrEqual(3);
      for (const l of lines) {
        expect(Number.isInteger(l.count) && l.count > 0).toBe(true);
        expect(Number.isInteger(l.totalDiscount)).toBe(true);
        expect(l.totalDiscount).toBeLessThan(l.count * l.baseUnitPrice);
      }
      if (lines.some((l) => !Number.isInteger(l.baseUnitPrice))) bad++;
    }
    expect(bad).toBeGreaterThan(50);
    expect(bad).toBeLessThan(160);
  });
});
