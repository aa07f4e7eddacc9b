import type { KafkaMessage } from '@siaghsync/shared/kafka/client';
import { createLogger } from '@siaghsync/shared/logger';
import {
  encodePauseFlag,
  PAUSE_SIGNATURE_HEADER,
  signPauseFlag,
  type PauseFlag,
} from '@siaghsync/shared/operator/pause';
import { PauseTable } from './pauses';

const KEY = 'k'.repeat(40);
let offset = 0;
const record = (f: PauseFlag, opts: { key?: string; sign?: boolean } = {}): KafkaMessage => ({
  key: Buffer.from(opts.key ?? f.scope),
  value: encodePauseFlag(f),
  headers: opts.sign === false ? {} : { [PAUSE_SIGNATURE_HEADER]: signPauseFlag(f, KEY) },
  offset: String(offset++),
  timestamp: '0',
  attributes: 0,
});
const flag = (scope: string, paused: boolean, at: number) =>
  ({ scope, paused, reason: null, by: 'op', at }) as PauseFlag;

describe('PauseTable', () => {
  const table = () => new PauseTable(KEY, createLogger({ service: 'test', level: 'silent' }));

  it('applies signed flags in order; a replayed older one changes nothing; lifting wakes', () => {
    const t = table();
    let lifted = 0;
    t.onLifted = () => lifted++;
    const pause1 = record(flag('all', true, 1));
    t.apply(pause1);
    expect(t.pauseOf(['customer:1'])?.scope).toBe('all');
    t.apply(record(flag('all', false, 2)));
    expect(t.pauseOf(['customer:1'])).toBeUndefined();
    expect(lifted).toBe(1);
    t.apply(record(flag('all', true, 3)));
    // The old resume written again (a replay): still paused.
    t.apply(record(flag('all', false, 2)));
    expect(t.pauseOf(['customer:1'])?.scope).toBe('all');
    expect(lifted).toBe(1);
  });

  it('ignores unsigned, misaddressed and malformed records, and writes the real flag again after them', () => {
    const t = table();
    const forged: Array<[string, string | null]> = [];
    t.onForged = (scope, original) => forged.push([scope, original.value?.toString() ?? null]);
    const real = record(flag('siagh', true, 5));
    t.apply(real);
    t.apply(record(flag('siagh', false, 9), { sign: false }));
    t.apply(record(flag('crm', true, 9), { key: 'siagh' }));
    t.apply({ ...real, value: null, offset: String(offset++) });
    t.apply(record(flag('all', true, 9), { sign: false })); // no flag held under `all`: nothing to restore
    expect(t.active().map((f) => f.scope)).toEqual(['siagh']);
    expect(forged).toEqual([
      ['siagh', real.value!.toString()],
      ['siagh', real.value!.toString()],
      ['siagh', real.value!.toString()],
    ]);
    const noKey = new PauseTable(undefined, createLogger({ service: 'test', level: 'silent' }));
    noKey.apply(record(flag('all', true, 1)));
    expect(noKey.active()).toEqual([]);
  });
});
