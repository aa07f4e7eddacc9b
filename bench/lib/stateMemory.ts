// The syncer's entity-state figures without a broker or registry: memory per entity held in the state
// table, filled the way a restore fills it (each state applied as its changelog record, Avro in the
// registry's wire format, so nothing is shared between entities), and what a get() costs afterwards.
import { performance } from 'node:perf_hooks';
import avro from 'avsc';
import { selfContainedSchema } from '@siaghsync/schemas';
import type { KafkaMessage } from '../../shared/src/kafka/client';
import type { EventCodec } from '../../shared/src/registry';
import type { EntityStateRecord } from '../../shared/src/events';
import { StateTable } from '../../services/syncer/src/kafka/tables';
import { fromRecord, toRecord } from '../../services/syncer/src/decide/state';
import { sampleState } from './sampleState';

const entityState = avro.Type.forSchema(selfContainedSchema('EntityState') as avro.Schema);
const WIRE_HEADER = Buffer.from([0, 0, 0, 0, 1]);

const wire = (record: EntityStateRecord): Buffer =>
  Buffer.concat([WIRE_HEADER, entityState.toBuffer(record)]);

/** The registry codec's decode, on the schema from schemas/ (the only part the state table uses). */
const localCodec = {
  decode: <T>(buffer: Buffer): Promise<T> => Promise.resolve(entityState.fromBuffer(buffer.subarray(5)) as T),
} as unknown as EventCodec;

const heap = (): number => {
  global.gc?.();
  global.gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Microseconds per call of `fn(i)` over `n` calls, the median of three rounds. */
function micros(n: number, fn: (i: number) => unknown): number {
  const rounds: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn(i);
    rounds.push(((performance.now() - t0) * 1000) / n);
  }
  return median(rounds);
}

export interface StateMemory {
  count: number;
  bytesPerEntity: number;
  avroBytes: number;
  /** get() of entities spread over the whole table (none decoded recently). */
  getColdMicros: number;
  /** get() of a few entities asked for again and again (an entity's events come in bursts). */
  getHotMicros: number;
  /** What a restore pays per record anyway: Avro decode and fromRecord of the same state. */
  avroDecodeMicros: number;
}

export async function stateMemory(count: number): Promise<StateMemory> {
  if (!global.gc) throw new Error('run with node --expose-gc: the figure needs a collected heap');
  const before = heap();
  const table = new StateTable(localCodec);
  for (let k = 0; k < count; k++) {
    const s = sampleState(k);
    const message = { key: Buffer.from(s.canonicalKey), value: wire(toRecord(s)) } as KafkaMessage;
    await table.apply(message);
  }
  const bytesPerEntity = (heap() - before) / count;
  if (table.size !== count) throw new Error(`table holds ${table.size} entities, not ${count}`);

  const sample = wire(toRecord(sampleState(1)));
  const n = Math.min(count, 200_000);
  // A multiplicative walk over the keys: spread like random picks, but the same keys every run.
  const spread = Array.from({ length: n }, (_, i) => `customer:${100000 + ((i * 7919) % count)}`);
  let sink = 0;
  const getColdMicros = micros(n, (i) => (sink += table.get(spread[i]!)?.version ?? 0));
  const getHotMicros = micros(n, (i) => (sink += table.get(spread[i % 64]!)?.version ?? 0));
  const avroDecodeMicros = micros(n / 4, () => {
    sink += fromRecord(entityState.fromBuffer(sample.subarray(5)) as EntityStateRecord).version;
  });
  if (sink === 0) throw new Error('no state was read');
  return {
    count,
    bytesPerEntity,
    avroBytes: sample.length,
    getColdMicros,
    getHotMicros,
    avroDecodeMicros,
  };
}
