// Attack cases: request bodies (content types, sizes, encodings, hostile JSON and forms).
import { gzipSync } from 'node:zlib';
import { CRM_SECRET } from '../helpers';
import { G, OK, json, okQuery, q, type Case } from './shared';

export function bodyCases(): Case[] {
  const crm = `/webhooks/crm/${CRM_SECRET}`;
  return [
    // --- bodies
    {
      name: 'JSON __proto__',
      path: crm,
      init: json(`{"event":"Update","id":"${G}","type":"Identity","__proto__":{"polluted":true}}`),
      status: 400,
    },
    {
      name: 'JSON constructor.prototype',
      path: crm,
      init: json({ ...OK, constructor: { prototype: { polluted: true } } }),
      status: 400,
    },
    {
      name: 'JSON event as array',
      path: crm,
      init: json({ ...OK, event: ['Update'] }),
      status: 400,
      field: 'event',
    },
    {
      name: 'JSON event as object',
      path: crm,
      init: json({ ...OK, event: { $ne: null } }),
      status: 400,
      field: 'event',
    },
    { name: 'JSON id as number', path: crm, init: json({ ...OK, id: 12345 }), status: 400, field: 'id' },
    { name: 'JSON null field', path: crm, init: json({ ...OK, type: null }), status: 400, field: 'type' },
    {
      name: 'JSON deep nesting',
      path: crm,
      init: json(`{"event":${'['.repeat(3000)}${']'.repeat(3000)}}`),
      status: 400,
    },
    {
      name: 'malformed JSON',
      path: crm,
      init: json('{"event":"Update",'),
      status: 400,
      code: 'INVALID_JSON',
    },
    { name: 'JSON array body', path: crm, init: json([OK]), status: 400 },
    { name: 'JSON string body', path: crm, init: json('"Update"'), status: 400 },
    {
      name: 'oversize JSON (20 kB)',
      path: crm,
      init: json({ ...OK, subtype: 'x'.repeat(20_000) }),
      status: 413,
      code: 'BODY_TOO_LARGE',
    },
    {
      name: 'oversize form',
      path: crm,
      init: json(`${okQuery}&pad=${'x'.repeat(20_000)}`, 'application/x-www-form-urlencoded'),
      status: 413,
    },
    {
      name: 'too many form fields',
      path: crm,
      init: json(
        Array.from({ length: 40 }, (_, i) => `f${i}=1`).join('&'),
        'application/x-www-form-urlencoded',
      ),
      status: 413,
    },
    {
      name: 'form __proto__',
      path: crm,
      init: json(`${okQuery}&__proto__=polluted`, 'application/x-www-form-urlencoded'),
      status: 400,
    },
    {
      name: 'form repeated field',
      path: crm,
      init: json(`${okQuery}&id=${G}`, 'application/x-www-form-urlencoded'),
      status: 400,
      field: 'id',
    },
    {
      name: 'gzip bomb-ish garbage',
      path: crm,
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: Buffer.from('not gzip at all'),
      },
      status: 400,
    },
    {
      name: 'gzip over the limit inflated',
      path: crm,
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: gzipSync(JSON.stringify({ ...OK, subtype: 'x'.repeat(200_000) })),
      },
      status: 413,
    },
    {
      name: 'unknown content-encoding',
      path: crm,
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'br2' },
        body: '{}',
      },
      status: 415,
    },
    {
      name: 'text/plain',
      path: crm,
      init: json(JSON.stringify(OK), 'text/plain'),
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    {
      name: 'application/xml',
      path: crm,
      init: json('<event>Update</event>', 'application/xml'),
      status: 415,
    },
    {
      name: 'multipart',
      path: crm,
      init: json('--b\r\n\r\nx\r\n--b--', 'multipart/form-data; boundary=b'),
      status: 415,
    },
    {
      name: 'JSON in latin1',
      path: crm,
      init: json(JSON.stringify(OK), 'application/json; charset=latin1'),
      status: 415,
    },
    { name: 'query and body both', path: q(okQuery), init: json(OK), status: 400, code: 'AMBIGUOUS_INPUT' },
  ];
}
