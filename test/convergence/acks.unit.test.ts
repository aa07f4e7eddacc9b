import type { Delivery } from '@siaghsync/simulators/crm/webhooks';
import { acknowledged, lostAcks } from './acks';

const attempt = (status: number, correlationId?: string) => ({
  time: '',
  sentMs: 0,
  answeredMs: 0,
  status,
  ...(correlationId && { correlationId }),
});
const delivery = (...attempts: ReturnType<typeof attempt>[]) => ({ attempts }) as unknown as Delivery;

describe('acknowledged webhooks, accounted per request', () => {
  it('counts each 2xx answer by its correlation id, retries and refusals aside', () => {
    const acked = acknowledged([
      delivery(attempt(503, 'a1'), attempt(202, 'a2')),
      delivery(attempt(0)),
      delivery(attempt(202, 'b1')),
    ]);
    expect(acked).toEqual(['a2', 'b1']);
  });

  it('an acknowledged request missing from the log is a finding, even when its twin landed', () => {
    // b1 and b2 carry the same event id (same record within the dedup window); only b1 was logged.
    expect(lostAcks(['a2', 'b1', 'b2'], new Set(['a2', 'b1']))).toEqual([
      expect.objectContaining({ kind: 'webhook-lost', detail: expect.stringContaining('1 of 3') as string }),
    ]);
    expect(lostAcks(['a2'], new Set(['a2']))).toEqual([]);
  });
});
