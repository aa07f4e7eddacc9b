import { conflict, deadLetter, entityState, outcome, T0 } from './fixtures';
import type { LogWriter } from './produce';

/** A small, fully known history: the API test asserts exact answers about it; the e2e test shows it. */
export const scenario = {
  states: [
    entityState({ canonicalKey: 'customer:1231' }),
    entityState({
      canonicalKey: 'customer:1233',
      crmId: 'c0ffee00-0000-4000-8000-000000001233',
      siaghId: '5003',
      naturalKey: '1233',
    }),
  ],
  outcomes: [
    outcome({
      outcomeId: 'o1',
      status: 'created',
      occurredAt: T0,
      fieldDiff: [
        { field: 'name', side: 'siagh', before: null, after: 'علی رضایی', reason: 'create' },
        { field: 'phone', side: 'siagh', before: null, after: '09121234567', reason: 'create' },
      ],
    }),
    outcome({
      outcomeId: 'o2',
      direction: 'siagh-to-crm',
      occurredAt: T0 + 90_000,
      sourceTime: T0 + 80_000,
      trigger: 'poll',
      sourceSnapshot: JSON.stringify({ Name: 'علی رضایی', MobileNo: '09129999999' }),
      targetAfter: JSON.stringify({ nickName: 'علی رضایی', phone: '09129999999' }),
      fieldDiff: [
        {
          field: 'phone',
          side: 'crm',
          before: '09121234567',
          after: '09129999999',
          reason: 'changed-on-siagh',
        },
      ],
    }),
    outcome({ outcomeId: 'o3', status: 'skipped-echo', direction: 'none', occurredAt: T0 + 95_000 }),
    outcome({
      outcomeId: 'o4',
      canonicalKey: 'customer:1232',
      crmId: 'c0ffee00-0000-4000-8000-000000001232',
      siaghId: null,
      naturalKey: '1232',
      status: 'dead-lettered',
      occurredAt: T0 + 120_000,
      error: {
        kind: 'permanent',
        code: 'SIAGH_DUPLICATE_PHONE',
        message: 'duplicate phone',
        sourceMessage: 'شماره تلفن نمی تواند تکراری باشد.',
      },
    }),
    outcome({
      outcomeId: 'o5',
      canonicalKey: 'customer:1233',
      crmId: 'c0ffee00-0000-4000-8000-000000001233',
      siaghId: '5003',
      naturalKey: '1233',
      status: 'conflict',
      direction: 'none',
      occurredAt: T0 + 130_000,
    }),
  ],
  deadLetters: [
    deadLetter({ deadLetterId: 'd1', canonicalKey: 'customer:1232', lastFailedAt: T0 + 120_000 }),
  ],
  conflicts: [
    conflict({
      conflictId: 'c1',
      canonicalKey: 'customer:1233',
      field: 'nickName',
      crmValue: 'شرکت آلفا',
      siaghValue: 'شرکت آلفا تهران',
      detectedAt: T0 + 130_000,
    }),
  ],
};

export async function writeScenario(w: LogWriter): Promise<void> {
  await w.states(scenario.states);
  await w.outcomes(scenario.outcomes);
  await w.deadLetters(scenario.deadLetters);
  await w.conflicts(scenario.conflicts);
}
