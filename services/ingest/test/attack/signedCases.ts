// Attack cases: the signed (Standard Webhooks) route.
import { REPLAY_BODY, REPLAY_ID, REPLAY_TS, json, nowS, signedInit, validSigned, type Case } from './shared';

export function signedCases(): Case[] {
  return [
    // --- signed route
    { name: 'unknown sender', path: '/webhooks/signed/nobody', init: signedInit(validSigned()), status: 404 },
    { name: 'GET on signed route', path: '/webhooks/signed/erp', status: 404 },
    {
      name: 'no signature headers',
      path: '/webhooks/signed/erp',
      init: json(validSigned()),
      status: 401,
      code: 'SIGNATURE_MISSING',
    },
    {
      name: 'wrong key',
      path: '/webhooks/signed/erp',
      init: signedInit(validSigned(), { key: Buffer.alloc(32, 7) }),
      status: 401,
      code: 'SIGNATURE_INVALID',
    },
    {
      name: 'tampered body',
      path: '/webhooks/signed/erp',
      init: signedInit(validSigned({}, { id: '666' }), { sigBody: validSigned() }),
      status: 401,
    },
    {
      name: 'expired timestamp',
      path: '/webhooks/signed/erp',
      init: signedInit(validSigned(), { ts: nowS() - 301 }),
      status: 401,
      code: 'TIMESTAMP_OUT_OF_TOLERANCE',
    },
    {
      name: 'future timestamp',
      path: '/webhooks/signed/erp',
      init: signedInit(validSigned(), { ts: nowS() + 400 }),
      status: 401,
      code: 'TIMESTAMP_OUT_OF_TOLERANCE',
    },
    {
      name: 'unsupported scheme v1a',
      path: '/webhooks/signed/erp',
      init: signedInit(validSigned(), { scheme: 'v1a' }),
      status: 401,
    },
    {
      name: 'garbage signature',
      path: '/webhooks/signed/erp',
      init: {
        ...signedInit(validSigned()),
        headers: {
          'content-type': 'application/json',
          'webhook-id': 'm',
          'webhook-timestamp': String(nowS()),
          'webhook-signature': 'v1,%%%not-base64 v1,',
        },
      },
      status: 401,
    },
    {
      name: 'non-numeric timestamp',
      path: '/webhooks/signed/erp',
      init: {
        ...signedInit(validSigned()),
        headers: {
          'content-type': 'application/json',
          'webhook-id': 'm',
          'webhook-timestamp': '1e10',
          'webhook-signature': 'v1,AAAA',
        },
      },
      status: 401,
    },
    {
      name: 'replayed webhook (accepted once)',
      path: '/webhooks/signed/erp',
      init: signedInit(REPLAY_BODY, { id: REPLAY_ID, ts: REPLAY_TS }),
      status: 200,
    },
    {
      name: 'same webhook id, other body',
      path: '/webhooks/signed/erp',
      init: signedInit(validSigned({}, { id: '4343' }), { id: REPLAY_ID }),
      status: 409,
      code: 'WEBHOOK_ID_REUSED',
    },
    {
      name: 'signed invalid JSON',
      path: '/webhooks/signed/erp',
      init: signedInit('{"type":'),
      status: 400,
      code: 'INVALID_JSON',
    },
    {
      name: 'signed invalid UTF-8',
      path: '/webhooks/signed/erp',
      init: signedInit(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
      status: 400,
    },
    {
      name: 'signed extra field',
      path: '/webhooks/signed/erp',
      init: signedInit(validSigned({ extra: 1 })),
      status: 400,
    },
    {
      name: 'signed __proto__ attribute',
      path: '/webhooks/signed/erp',
      init: signedInit(
        `{"type":"customer.upsert","timestamp":"${new Date().toISOString()}","data":{"source":"siagh","id":"1","attributes":{"__proto__":"polluted"}}}`,
      ),
      status: 400,
      field: 'data.attributes',
    },
    {
      name: 'signed crm id not a GUID',
      path: '/webhooks/signed/erp',
      init: signedInit(validSigned({}, { source: 'crm', id: '42' })),
      status: 400,
      field: 'data.id',
    },
    {
      name: 'signed unknown type',
      path: '/webhooks/signed/erp',
      init: signedInit(validSigned({ type: 'customer.explode' })),
      status: 400,
      field: 'type',
    },
    {
      name: 'signed text/plain',
      path: '/webhooks/signed/erp',
      init: signedInit(validSigned(), { type: 'text/plain' }),
      status: 415,
    },
    // Nothing of an unauthenticated request is judged but its credential: no body and no signature is a 401.
    {
      name: 'unsigned, no body',
      path: '/webhooks/signed/erp',
      init: { method: 'POST' },
      status: 401,
      code: 'SIGNATURE_MISSING',
    },
    {
      name: 'signed empty body',
      path: '/webhooks/signed/erp',
      init: signedInit(''),
      status: 400,
      code: 'INVALID_INPUT',
    },
    {
      name: 'unsigned text/plain',
      path: '/webhooks/signed/erp',
      init: json('hello', 'text/plain'),
      status: 401,
      code: 'SIGNATURE_MISSING',
    },
    {
      name: 'signed oversize',
      path: '/webhooks/signed/erp',
      init: signedInit(validSigned({}, { attributes: { a: 'x'.repeat(20_000) } })),
      status: 413,
    },
  ];
}
