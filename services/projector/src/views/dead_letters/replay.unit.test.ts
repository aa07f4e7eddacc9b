import type { KafkaMessage } from '@siaghsync/shared/kafka/index';
import type { EventCodec } from '@siaghsync/shared/registry';
import type { WorkEvent } from '@siaghsync/shared/events';
import type { Positioned, ProjectorEvent, Stream } from '../../events';
import { decodeRecord } from '../../runner/decode';
import { foldLoaded } from '../../store/apply';
import type { Stored } from '../../store/collections';
import { deadLetter, T0, workChange } from '../../testing/fixtures';
import type { AnyView, ViewDoc } from '../types';
import { deadLettersView } from './evolve';

// Live consumes the topics (and the partitions of `work`) concurrently, a rebuild reads them in another
// interleaving, and a kill -9 re-delivers a window: the documents (guards included, they are hashed)
// must come out the same every way.

const view = deadLettersView as unknown as AnyView;

/** The codec only unwraps what the test put in the message: no registry. */
const codec = {
  decode: (v: Buffer) => Promise.resolve(JSON.parse(v.toString()) as unknown),
} as unknown as EventCodec;
const message = (w: WorkEvent) =>
  ({ key: Buffer.from(w.canonicalKey), value: Buffer.from(JSON.stringify(w)) }) as KafkaMessage;

/** The syncer's own retry marker (processor scheduleRetry, preinvoice wake): not an operator's request. */
const retryMarker = (canonicalKey: string, correlationId: string, routedAt: number): WorkEvent => ({
  canonicalKey,
  kind: 'redrive',
  routeReason: 'direct',
  routedAt,
  correlationId,
  change: null,
  resolution: null,
  redriveOf: 'retry',
});
const operatorRedrive = (
  deadLetterId: string,
  canonicalKey: string,
  correlationId: string,
  routedAt: number,
): WorkEvent => ({
  ...workChange(canonicalKey, `e-${deadLetterId}`),
  kind: 'redrive',
  redriveOf: deadLetterId,
  routedAt,
  correlationId,
});

const at = (stream: Stream, partition: number, offset: number, event: ProjectorEvent): Positioned => ({
  event,
  pos: { stream, partition, offset },
});

async function decoded(partition: number, offset: number, w: WorkEvent): Promise<Positioned[]> {
  const event = await decodeRecord(codec, 'work', message(w));
  return event ? [at('work', partition, offset, event)] : [];
}

const fold = (batch: Positioned[], stored = new Map<string, Stored<ViewDoc>>()) => {
  const out = new Map(stored);
  for (const d of foldLoaded(view, batch, { stored }).docs) out.set(d._id, d);
  return out;
};

const sorted = (docs: Map<string, Stored<ViewDoc>>) =>
  [...docs.values()].sort((a, b) => a._id.localeCompare(b._id));

describe('dead_letters replayed in another interleaving or twice', () => {
  it('syncer retry markers on different partitions of work leave no document behind, whatever the order', async () => {
    // Two entities retried on two partitions of `work`, next to a real dead letter.
    const p0 = await decoded(0, 10, retryMarker('customer:1', 'c-1', T0 + 1));
    const p1 = await decoded(1, 20, retryMarker('preinvoice:9', 'c-9', T0 + 2));
    const dl = [at('dead-letters', 0, 0, { type: 'dead-letter', data: deadLetter({ deadLetterId: 'd1' }) })];

    const live = fold([...p0, ...dl, ...p1]);
    const rebuilt = fold([...p1, ...p0, ...dl]);
    expect(sorted(live)).toEqual(sorted(rebuilt));
    expect([...live.keys()]).toEqual(['d1']);
  });

  it('an operator redrive is still read back from work', async () => {
    const [e] = await decoded(0, 3, operatorRedrive('d1', 'customer:1231', 'r1', T0 + 7));
    expect(e?.event).toEqual({
      type: 'redrive-requested',
      deadLetterId: 'd1',
      canonicalKey: 'customer:1231',
      routedAt: T0 + 7,
      correlationId: 'r1',
    });
  });

  it('redrives of one dead letter from two partitions fold to the same document in either order', () => {
    const r = (
      partition: number,
      offset: number,
      canonicalKey: string,
      routedAt: number,
      correlationId: string,
    ) =>
      at('work', partition, offset, {
        type: 'redrive-requested',
        deadLetterId: 'd1',
        canonicalKey,
        routedAt,
        correlationId,
      });
    // The same request seen twice (a resend after a crash) on two partitions, and one seen before its dead letter.
    const a = r(0, 5, 'customer:b', T0 + 9, 'r1');
    const b = r(1, 7, 'customer:a', T0 + 4, 'r1');
    const c = r(1, 8, 'customer:a', T0 + 6, 'r2');
    const dl = at('dead-letters', 0, 2, { type: 'dead-letter', data: deadLetter({ deadLetterId: 'd1' }) });

    const orders = [
      [a, b, c, dl],
      [b, c, a, dl],
      [dl, b, a, c],
      [b, dl, c, a],
    ];
    const docs = orders.map((o) => sorted(fold(o)));
    for (const d of docs) expect(d).toEqual(docs[0]);
    expect(docs[0]![0]).toMatchObject({
      redriveState: 'redriven',
      canonicalKey: 'customer:1231',
      redrives: [
        { at: T0 + 4, correlationId: 'r1' },
        { at: T0 + 6, correlationId: 'r2' },
      ],
      _pos: { 'work:0': 5, 'work:1': 8, 'dead-letters:0': 2 },
    });

    // Redrives only (the dead letter not yet read): the key shown does not depend on which came first.
    const only = [
      [a, b],
      [b, a],
    ].map((o) => sorted(fold(o)));
    expect(only[0]).toEqual(only[1]);
  });

  it('a window re-delivered after a kill -9, whole or from the middle, changes nothing', () => {
    const batch = [
      at('dead-letters', 0, 0, { type: 'dead-letter', data: deadLetter({ deadLetterId: 'd1' }) }),
      at('work', 0, 1, {
        type: 'redrive-requested',
        deadLetterId: 'd1',
        canonicalKey: 'customer:1231',
        routedAt: T0,
        correlationId: 'r1',
      }),
      at('work', 1, 1, {
        type: 'redrive-requested',
        deadLetterId: 'd1',
        canonicalKey: 'customer:1231',
        routedAt: T0 + 1,
        correlationId: 'r2',
      }),
    ];
    const once = fold(batch);
    expect(sorted(fold(batch, once))).toEqual(sorted(once));
    expect(sorted(fold(batch.slice(1), fold(batch.slice(0, 2))))).toEqual(sorted(once));
  });
});
