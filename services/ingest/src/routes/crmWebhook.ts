import express, { type Router } from 'express';
import { newChangeEvent } from '@siaghsync/shared/events';
import { normalizeCrmNotification } from '../crm/notification';
import { crmNotificationEventId } from '../eventId';
import { publishAndAnswer } from '../http/accept';
import { HttpError } from '../http/errors';
import { SecretSet } from '../http/secrets';
import { AddressAllowlist } from '../http/sourceAddress';
import { hasBody, routeName, wrap, type RouteContext } from './context';

// The CRM's thin notifications: GET /webhooks/crm/<secret>?event=&id=&type=&subtype= (its usual form)
// or POST with the same fields as JSON or a form. The secret is the CRM's only credential.

const PATH = '/webhooks/crm/:secret';
const FORM = 'application/x-www-form-urlencoded';
const MAX_FORM_FIELDS = 16;

/** A form body as a null-prototype record; a repeated field becomes an array (which validation refuses). */
export function parseForm(text: string): Record<string, string | string[]> {
  const out = Object.create(null) as Record<string, string | string[]>;
  let count = 0;
  for (const [k, v] of new URLSearchParams(text)) {
    if (++count > MAX_FORM_FIELDS) {
      throw new HttpError(413, 'BODY_TOO_LARGE', 'the form has more fields than this endpoint accepts');
    }
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

export function crmWebhookRoute(ctx: RouteContext): Router {
  const router = express.Router();
  const secrets = new SecretSet(ctx.config.crmSecrets);
  const allowlist = new AddressAllowlist(ctx.config.crmAllowedIps);
  const limit = ctx.config.bodyLimitBytes;
  const json = express.json({ limit, strict: true, type: 'application/json' });
  const form = express.text({ limit, type: FORM, defaultCharset: 'utf-8' });

  // The credential is checked before anything else, and before the address's failure count is
  // looked at: a valid secret is served even from an address that is locked out (a proxy that an
  // attacker shares with the real CRM). Only a failure is counted, and only a failure gets the 429.
  const authenticate = wrap(async (req, _res, next) => {
    // A static rule, not a guess: the secret is not even evaluated for such an address, so there is
    // nothing to count.
    if (!allowlist.allows(req.ip)) {
      throw new HttpError(403, 'SOURCE_NOT_ALLOWED', 'this address may not call this endpoint');
    }
    const secret = req.params.secret;
    if (secrets.empty || typeof secret !== 'string' || secrets.match(secret) < 0) {
      // Indistinguishable from an unknown route: a wrong secret learns nothing.
      throw await ctx.limits.authenticationFailed(
        req.ip,
        new HttpError(404, 'NOT_FOUND', 'no such route', { reason: 'BAD_SECRET' }),
      );
    }
    await ctx.limits.consumeSource('crm');
    next();
  });

  const contentType: express.RequestHandler = (req, _res, next) => {
    if (req.method === 'POST' && hasBody(req.headers) && !req.is(['application/json', FORM])) {
      return next(
        new HttpError(
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          'send application/json or application/x-www-form-urlencoded',
        ),
      );
    }
    next();
  };

  const handle = wrap(async (req, res) => {
    let input: unknown = req.query;
    if (req.method === 'POST' && hasBody(req.headers)) {
      if (Object.keys(req.query).length > 0) {
        throw new HttpError(
          400,
          'AMBIGUOUS_INPUT',
          'send the fields either in the query or in the body, not both',
        );
      }
      input = typeof req.body === 'string' ? parseForm(req.body) : req.body;
    }
    const result = normalizeCrmNotification(input);
    if (!result.ok) {
      const { field, message } = result.problem;
      throw new HttpError(400, 'INVALID_INPUT', message, field === undefined ? {} : { field });
    }
    const n = result.value;
    const observedTime = ctx.now();
    const attributes: Record<string, string> = {
      crmType: n.crmType,
      crmEvent: n.crmEvent,
      delivery: 'crm-thin',
    };
    if (n.identityKind) attributes.identityKind = n.identityKind;
    if (n.subtype) attributes.subtype = n.subtype;
    const event = newChangeEvent({
      eventId: crmNotificationEventId(n, observedTime, ctx.config.crmDedupWindowMs),
      source: 'crm',
      entityType: n.entityType,
      sourceId: n.sourceId,
      operation: n.operation,
      observedTime,
      trigger: 'webhook',
      correlationId: res.locals.correlationId as string,
      attributes,
    });
    await publishAndAnswer(res, event, { ...ctx, retryAfterS: ctx.config.retryAfterS });
  });

  router.get(PATH, routeName('crm'), authenticate, handle);
  router.post(PATH, routeName('crm'), authenticate, contentType, json, form, handle);
  return router;
}
