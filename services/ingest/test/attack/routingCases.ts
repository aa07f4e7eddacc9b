// Attack cases: secrets, routing and hostile query fields.
import { CRM_SECRET } from '../helpers';
import { OK, okQuery, q, type Case } from './shared';

export function routingCases(): Case[] {
  return [
    // --- secrets and routing
    {
      name: 'wrong secret',
      path: '/webhooks/crm/wrong-secret-0123456789?' + okQuery,
      status: 404,
      code: 'NOT_FOUND',
    },
    { name: 'missing secret', path: '/webhooks/crm/?' + okQuery, status: 404, code: 'NOT_FOUND' },
    { name: 'no secret segment', path: '/webhooks/crm?' + okQuery, status: 404, code: 'NOT_FOUND' },
    { name: 'secret prefix', path: `/webhooks/crm/${CRM_SECRET.slice(0, -1)}?` + okQuery, status: 404 },
    { name: 'secret plus a char', path: `/webhooks/crm/${CRM_SECRET}x?` + okQuery, status: 404 },
    {
      name: 'secret in upper case',
      path: `/webhooks/crm/${CRM_SECRET.toUpperCase()}?` + okQuery,
      status: 404,
    },
    { name: 'secret as query param', path: `/webhooks/crm?secret=${CRM_SECRET}&` + okQuery, status: 404 },
    { name: 'secret with trailing path', path: `/webhooks/crm/${CRM_SECRET}/extra?` + okQuery, status: 404 },
    { name: 'very long secret', path: `/webhooks/crm/${'s'.repeat(4000)}?` + okQuery, status: 404 },
    { name: 'PUT', path: q(okQuery), init: { method: 'PUT' }, status: 404 },
    { name: 'DELETE', path: q(okQuery), init: { method: 'DELETE' }, status: 404 },
    { name: 'PATCH', path: q(okQuery), init: { method: 'PATCH' }, status: 404 },
    { name: 'HEAD never produces', path: q(okQuery), init: { method: 'HEAD' }, status: 404 },
    { name: 'malformed %-escape in path', path: '/webhooks/crm/%E0%A4%A?' + okQuery, status: 400 },
    { name: 'path traversal', path: `/webhooks/crm/..%2F..%2Fhealth?` + okQuery, status: 404 },
    // --- malformed and hostile query fields
    {
      name: 'unknown type',
      path: q(new URLSearchParams({ ...OK, type: 'Ticket' }).toString()),
      status: 400,
      field: 'type',
    },
    {
      name: 'unknown event',
      path: q(new URLSearchParams({ ...OK, event: 'Upsert' }).toString()),
      status: 400,
      field: 'event',
    },
    {
      name: 'bad GUID',
      path: q(new URLSearchParams({ ...OK, id: '1 OR 1=1' }).toString()),
      status: 400,
      field: 'id',
    },
    { name: 'missing id', path: q('event=Update&type=Identity'), status: 400, field: 'id' },
    { name: 'empty query', path: q(''), status: 400 },
    { name: 'repeated field -> array', path: q(okQuery + '&event=Delete'), status: 400, field: 'event' },
    { name: 'bracket array key', path: q(okQuery + '&event[]=Delete'), status: 400, code: 'INVALID_INPUT' },
    { name: '__proto__ key', path: q(okQuery + '&__proto__=polluted'), status: 400 },
    { name: '__proto__[x] key', path: q(okQuery + '&__proto__[polluted]=1'), status: 400 },
    {
      name: 'constructor.prototype key',
      path: q(okQuery + '&constructor[prototype][polluted]=1'),
      status: 400,
    },
    {
      name: 'NUL in subtype',
      path: q(okQuery.replace(/subtype=[^&]*/, 'subtype=a%00b')),
      status: 400,
      field: 'subtype',
    },
    {
      name: 'CRLF in event',
      path: q(okQuery.replace('event=Update', 'event=Update%0D%0ASet-Cookie:%20x=1')),
      status: 400,
      field: 'event',
    },
    {
      name: 'C1 control in type',
      path: q(okQuery.replace('type=Identity', 'type=Identity%C2%85')),
      status: 400,
      field: 'type',
    },
    {
      name: 'script in type',
      path: q(okQuery.replace('type=Identity', 'type=%3Cscript%3Ealert(1)%3C%2Fscript%3E')),
      status: 400,
      field: 'type',
    },
    {
      name: '5000-char subtype',
      path: q(okQuery.replace(/subtype=[^&]*/, `subtype=${'x'.repeat(5000)}`)),
      status: 400,
      field: 'subtype',
    },
    { name: '20 kB URL', path: q(okQuery + `&pad=${'x'.repeat(20_000)}`), status: 431 },
  ];
}
