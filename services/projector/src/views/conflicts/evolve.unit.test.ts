import { conflict, resolution } from '../../testing/fixtures';
import { ViewSpec } from '../../testing/viewSpec';
import { conflictsView } from './evolve';

const spec = ViewSpec.for(conflictsView);
const open = { type: 'conflict', data: conflict({ conflictId: 'c1' }) } as const;
const requested = {
  type: 'resolution-requested',
  data: resolution({ conflictId: 'c1' }),
  routedAt: 5,
  correlationId: 'x',
} as const;
const resolved = {
  type: 'conflict',
  data: conflict({
    conflictId: 'c1',
    status: 'resolved',
    winner: 'crm',
    resolvedValue: '09120000001',
    resolvedBy: 'operator',
    resolvedAt: 9,
  }),
} as const;

describe('conflicts evolve', () => {
  it('an open conflict is open with both values and the base', () => {
    spec()
      .when(open)
      .then('c1', (d) => {
        expect(d?.state).toBe('open');
        expect(d?.conflict).toMatchObject({
          crmValue: '09120000001',
          siaghValue: '09120000002',
          baseValue: '09120000000',
          policy: 'manual',
        });
      });
  });

  it('an operator request makes it resolving until the syncer reports it resolved', () => {
    spec(open)
      .when(requested)
      .then('c1', (d) => expect(d?.state).toBe('resolving'));
    spec(open, requested)
      .when(resolved)
      .then('c1', (d) => {
        expect(d?.state).toBe('resolved');
        expect(d?.history.map((h) => h.status)).toEqual(['open', 'resolved']);
        expect(d?.requests).toHaveLength(1);
      });
  });

  it('gives the same document whichever stream is read first (rebuilds interleave differently)', () => {
    let a: unknown;
    let b: unknown;
    spec(open)
      .when(requested)
      .then('c1', (d) => (a = d));
    spec(requested)
      .when(open)
      .then('c1', (d) => (b = d));
    expect(b).toEqual(a);
  });

  it('a request seen before its conflict is kept but has no state (hidden)', () => {
    spec()
      .when(requested)
      .then('c1', (d) => expect(d?.state).toBeNull());
  });

  it('the same request twice is recorded once', () => {
    spec(open, requested)
      .when(requested)
      .then('c1', (d) => expect(d?.requests).toHaveLength(1));
  });
});
