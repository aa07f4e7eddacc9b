import type { Kafka } from '@siaghsync/shared/kafka/index';
import { topicName } from '@siaghsync/shared/kafka/index';
import type { Delivery } from '@siaghsync/simulators/crm/webhooks';
import { readTopicToEnd } from '../harness/readTopic';
import type { Finding } from './checker';

/**
 * Every webhook request that ingest acknowledged (2xx), by the correlation id it answered with. A
 * request is accounted for itself, not by event id: notices of one record within the dedup window
 * share an event id, so a lost acknowledgement whose twin landed would be invisible by event id.
 */
export function acknowledged(deliveries: readonly Delivery[]): string[] {
  return deliveries.flatMap((d) =>
    d.attempts
      .filter((a) => a.status >= 200 && a.status < 300 && a.correlationId)
      .map((a) => a.correlationId!),
  );
}

/** Acknowledged requests whose event is not in the log: what a broker failure must never lose. */
export function lostAcks(acked: readonly string[], logged: ReadonlySet<string>): Finding[] {
  const lost = acked.filter((id) => !logged.has(id));
  if (lost.length === 0) return [];
  return [
    {
      kind: 'webhook-lost',
      n: null,
      detail: `${lost.length} of ${acked.length} acknowledged webhooks are not in the changes topic (e.g. ${lost.slice(0, 5).join(', ')})`,
    },
  ];
}

export async function lostAcknowledgements(
  kafka: Kafka,
  prefix: string,
  deliveries: readonly Delivery[],
): Promise<{ acknowledged: number; findings: Finding[] }> {
  const logged = new Set<string>();
  // Per record key, what the log holds: where a lost request's record went, if anywhere.
  const byKey = new Map<string, string[]>();
  await readTopicToEnd(kafka, topicName('changes', prefix), (m, partition) => {
    const id = m.headers?.correlationId?.toString();
    if (id !== undefined) logged.add(id);
    const key = m.key?.toString() ?? '';
    const seen = byKey.get(key) ?? [];
    seen.push(`p${partition}@${m.offset} ${new Date(Number(m.timestamp)).toISOString()} ${id ?? '-'}`);
    byKey.set(key, seen);
  });
  const acked = acknowledged(deliveries);
  const findings = lostAcks(acked, logged);
  // What the next look needs: the notice and every answer of the request that went missing.
  for (const f of findings)
    for (const d of deliveries)
      for (const a of d.attempts)
        if (a.correlationId && !logged.has(a.correlationId) && a.status >= 200 && a.status < 300)
          f.detail += `\n    ${a.correlationId}: ${JSON.stringify(d.notice)} answered ${a.status} at ${a.time} after ${(a.answeredMs - a.sentMs).toFixed(0)} ms; attempts ${d.attempts.map((x) => x.status).join(',')}; the log holds for crm:${d.notice.id}: ${(byKey.get(`crm:${d.notice.id}`) ?? []).join(' | ') || 'nothing'}`;
  return { acknowledged: acked.length, findings };
}
