import express, { type Router } from 'express';
import { newChangeEvent } from '@siaghsync/shared/events';
import { signedWebhookEventId } from '../eventId';
import { publishAndAnswer } from '../http/accept';
import { HttpError, routeLabel } from '../http/errors';
import { parseSignedPayload } from '../signed/payload';
import { ReplayCache } from '../signed/replayCache';
import { verifyStandardWebhook, type VerifyFailure } from '../signed/standardWebhooks';
import { hasBody, routeName, wrap, type RouteContext } from './context';

// POST /webhooks/signed/<sender>: Standard Webhooks for senders that can sign. The signature is
// checked over the raw bytes BEFORE the body is parsed: unauthenticated JSON is never interpreted.

const utf8 = new TextDecoder('utf-8', { fatal: true });

const FAILURES: Record<VerifyFailure, HttpError> = {
  MISSING_HEADERS: new HttpError(
    401,
    'SIGNATURE_MISSING',
    'webhook-id, webhook-timestamp and webhook-signature are required',
  ),
  INVALID_HEADERS: new HttpError(401, 'SIGNATURE_INVALID', 'the webhook headers are malformed'),
  TIMESTAMP_TOO_OLD: new HttpError(401, 'TIMESTAMP_OUT_OF_TOLERANCE', 'webhook-timestamp is too old'),
  TIMESTAMP_IN_FUTURE: new HttpError(401, 'TIMESTAMP_OUT_OF_TOLERANCE', 'webhook-timestamp is in the future'),
  BAD_SIGNATURE: new HttpError(401, 'SIGNATURE_INVALID', 'no signature matches'),
};

const header = (v: string | string[] | undefined): string | undefined =>
  typeof v === 'string' ? v : undefined;

export function signedWebhookRoute(ctx: RouteContext, replay = new ReplayCache()): Router {
  const router = express.Router();
  const raw = express.raw({ limit: ctx.config.bodyLimitBytes, type: () => true });
  const toleranceS = ctx.config.signedToleranceS;

  // An unknown sender is a failed authentication like a bad signature. Nothing else about the
  // request (content type, body) is looked at before the signature has been verified.
  const knownSender = wrap(async (req, _res, next) => {
    const sender = req.params.sender;
    if (typeof sender !== 'string' || !ctx.config.signingKeys.has(sender)) {
      throw await ctx.limits.authenticationFailed(
        req.ip,
        new HttpError(404, 'NOT_FOUND', 'no such route', { reason: 'UNKNOWN_SENDER' }),
      );
    }
    next();
  });

  const handle = wrap(async (req, res) => {
    const sender = req.params.sender as string;
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const now = ctx.now();
    const verdict = verifyStandardWebhook(
      {
        id: header(req.headers['webhook-id']),
        timestamp: header(req.headers['webhook-timestamp']),
        signature: header(req.headers['webhook-signature']),
      },
      body,
      ctx.config.signingKeys.get(sender) ?? [],
      now,
      toleranceS,
    );
    if (!verdict.ok) {
      const e = FAILURES[verdict.reason];
      throw await ctx.limits.authenticationFailed(
        req.ip,
        new HttpError(e.status, e.code, e.message, { reason: verdict.reason }),
      );
    }
    await ctx.limits.consumeSource(`signed:${sender}`);
    if (!hasBody(req.headers)) throw new HttpError(400, 'INVALID_INPUT', 'a JSON body is required');
    if (!req.is('application/json'))
      throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send application/json');

    const eventId = signedWebhookEventId(sender, verdict.id);
    const key = `${sender}\u0000${verdict.id}`;
    const claim = replay.claim(
      key,
      ReplayCache.hashBody(body),
      (verdict.timestampS + toleranceS) * 1000,
      now,
    );
    if (claim === 'duplicate') {
      // Already in Kafka: a retry after a lost answer, or a replay. Acknowledge, produce nothing.
      ctx.metrics.requests.inc({ route: routeLabel(res), outcome: 'duplicate' });
      res
        .status(200)
        .json({ status: 'duplicate', eventId, correlationId: res.locals.correlationId as string });
      return;
    }
    if (claim === 'in-flight') {
      throw new HttpError(409, 'WEBHOOK_IN_FLIGHT', 'this webhook id is being processed', { retryAfterS: 1 });
    }
    if (claim === 'conflict') {
      throw new HttpError(409, 'WEBHOOK_ID_REUSED', 'this webhook id was used for another body');
    }

    let published = false;
    try {
      let parsedJson: unknown;
      try {
        parsedJson = JSON.parse(utf8.decode(body));
      } catch {
        throw new HttpError(400, 'INVALID_JSON', 'the body is not valid UTF-8 JSON');
      }
      const parsed = parseSignedPayload(parsedJson);
      if (!parsed.ok) {
        const { field, message } = parsed.problem;
        throw new HttpError(400, 'INVALID_INPUT', message, field === undefined ? {} : { field });
      }
      const c = parsed.value;
      const event = newChangeEvent({
        eventId,
        source: c.source,
        entityType: c.entityType,
        sourceId: c.sourceId,
        operation: c.operation,
        sourceTime: c.sourceTime,
        observedTime: now,
        trigger: 'webhook',
        correlationId: res.locals.correlationId as string,
        naturalKey: c.naturalKey,
        attributes: { ...c.attributes, sender, webhookId: verdict.id, delivery: 'signed' },
      });
      published = await publishAndAnswer(res, event, { ...ctx, retryAfterS: ctx.config.retryAfterS });
    } finally {
      // Remembered only once it is in Kafka; otherwise the sender's retry must be processed.
      if (published) replay.complete(key);
      else replay.release(key);
    }
  });

  router.post('/webhooks/signed/:sender', routeName('signed'), knownSender, raw, handle);
  return router;
}
