import type { Response } from 'express';
import type { ChangeEvent } from '@siaghsync/shared/events';
import { classify } from '@siaghsync/shared/errors';
import type { Publisher } from '../publisher';
import type { IngestMetrics } from '../metrics';
import { HttpError, routeLabel, sendError } from './errors';

/**
 * Produces the event and answers. 202 ONLY after the broker acknowledged (acks=all); any failure to
 * get it into Kafka in time is a 503 with Retry-After, so the sender keeps the notification and retries.
 * Returns whether the event is in Kafka (the signed route remembers its webhook id only then).
 */
export async function publishAndAnswer(
  res: Response,
  event: ChangeEvent,
  deps: { publisher: Publisher; metrics: IngestMetrics; retryAfterS: number },
): Promise<boolean> {
  res.locals.eventId = event.eventId;
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  try {
    await deps.publisher.publish(event);
  } catch (err) {
    const e = classify(err);
    deps.metrics.produceSeconds.observe({ result: 'failed' }, seconds());
    res.req.log.warn(
      { code: e.code, kind: e.kind, err: e.message, eventId: event.eventId },
      'event not produced',
    );
    const retryAfterS = deps.retryAfterS;
    const httpErr =
      e.kind === 'permanent'
        ? new HttpError(500, 'INTERNAL', 'the event could not be encoded', { reason: e.code })
        : e.code === 'INGEST_NOT_READY'
          ? new HttpError(503, 'NOT_READY', 'not ready to accept events yet', { retryAfterS })
          : e.code === 'INGEST_OVERLOADED'
            ? new HttpError(503, 'OVERLOADED', 'too many events waiting for Kafka', { retryAfterS })
            : new HttpError(503, 'KAFKA_UNAVAILABLE', 'the event log did not acknowledge in time', {
                retryAfterS,
                reason: e.code === 'KAFKA_PRODUCE_TIMEOUT' ? 'KAFKA_PRODUCE_TIMEOUT' : 'KAFKA_UNAVAILABLE',
              });
    sendError(res, httpErr, deps.metrics);
    return false;
  }
  deps.metrics.produceSeconds.observe({ result: 'ok' }, seconds());
  deps.metrics.requests.inc({ route: routeLabel(res), outcome: 'accepted' });
  deps.metrics.lastWebhook.set(
    { source: event.source, entity_type: event.entityType },
    event.observedTime / 1000,
  );
  res.status(202).json({ status: 'accepted', eventId: event.eventId, correlationId: event.correlationId });
  return true;
}
