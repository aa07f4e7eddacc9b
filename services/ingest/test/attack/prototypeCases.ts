// Attack cases: JavaScript object-machinery names as VALUES of the fields we look up or pass on
// (`type=constructor` once found Object.prototype in a lookup table and became a 500, which the CRM
// retries for ever). Every one must be a 400 that names the field, on every way the CRM can send it.
import { G, OK, json, q, signedInit, validSigned, type Case } from './shared';
import { CRM_SECRET } from '../helpers';

export const PROTO_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'prototype'];
const CRM_FIELDS = ['event', 'type', 'subtype', 'id'] as const;

export function prototypeCases(): Case[] {
  const crm = `/webhooks/crm/${CRM_SECRET}`;
  const crmCases = CRM_FIELDS.flatMap((field) =>
    [...PROTO_NAMES, 'Constructor'].flatMap((name): Case[] => {
      const fields = { ...OK, [field]: name };
      const expect = { status: 400, code: 'INVALID_INPUT', field };
      return [
        { name: `query ${field}=${name}`, path: q(new URLSearchParams(fields).toString()), ...expect },
        { name: `JSON ${field}=${name}`, path: crm, init: json(fields), ...expect },
        {
          name: `form ${field}=${name}`,
          path: crm,
          init: json(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded'),
          ...expect,
        },
      ];
    }),
  );
  const signedCases = PROTO_NAMES.flatMap((name): Case[] => [
    {
      name: `signed type=${name}`,
      path: '/webhooks/signed/erp',
      init: signedInit(validSigned({ type: name })),
      status: 400,
      field: 'type',
    },
    {
      name: `signed data.source=${name}`,
      path: '/webhooks/signed/erp',
      init: signedInit(validSigned({}, { source: name })),
      status: 400,
      field: 'data.source',
    },
    ...(['crm', 'siagh'] as const).map((source): Case => ({
      name: `signed data.id=${name} for source ${source}`,
      path: '/webhooks/signed/erp',
      init: signedInit(validSigned({}, { source, id: name })),
      status: 400,
      field: 'data.id',
    })),
  ]);
  // `__proto__` as an attribute name is in signedCases.ts; the other names pass the name pattern.
  const attributeNames = PROTO_NAMES.filter((n) => n !== '__proto__').map((name): Case => ({
    name: `signed attribute named ${name}`,
    path: '/webhooks/signed/erp',
    init: signedInit(validSigned({}, { id: '78', attributes: { [name]: G } })),
    status: 400,
    field: 'data.attributes',
  }));
  return [...crmCases, ...signedCases, ...attributeNames];
}
