import { deadLetter } from '../../testing/fixtures';
import { ViewSpec } from '../../testing/viewSpec';
import { deadLettersView } from './evolve';

const spec = ViewSpec.for(deadLettersView);
const dl = { type: 'dead-letter', data: deadLetter({ deadLetterId: 'd1' }) } as const;
const redrive = {
  type: 'redrive-requested',
  deadLetterId: 'd1',
  canonicalKey: 'customer:1231',
  routedAt: 7,
  correlationId: 'r1',
} as const;

describe('dead_letters evolve', () => {
  it('a dead letter is pending redrive, keeps the reason in both languages and the original event', () => {
    spec()
      .when(dl)
      .then('d1', (d) => {
        expect(d).toMatchObject({
          redriveState: 'pending',
          reasonCode: 'SIAGH_DUPLICATE_PHONE',
          sourceMessage: 'شماره تلفن نمی تواند تکراری باشد.',
        });
        expect(JSON.parse(d!.eventJson!)).toMatchObject({ kind: 'change', canonicalKey: 'customer:1231' });
      });
  });

  it('a redrive marks it redriven, once per request, in either order', () => {
    spec(dl)
      .when(redrive, redrive)
      .then('d1', (d) => {
        expect(d?.redriveState).toBe('redriven');
        expect(d?.redrives).toEqual([{ at: 7, correlationId: 'r1' }]);
      });
    let a: unknown;
    spec(redrive)
      .when(dl)
      .then('d1', (d) => (a = d));
    spec(dl)
      .when(redrive)
      .then('d1', (d) => expect(d).toEqual(a));
  });
});
