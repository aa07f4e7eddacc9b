import { z, type ZodTypeAny } from 'zod';
import type { RouteDef } from './route';

/** JSON Schema of the zod types our queries and bodies use (primitive fields, enums, arrays, objects). */
export function jsonSchema(t: ZodTypeAny): Record<string, unknown> {
  const description = t.description ? { description: t.description } : {};
  if (t instanceof z.ZodOptional || t instanceof z.ZodNullable)
    return { ...jsonSchema(t.unwrap() as ZodTypeAny), ...description };
  if (t instanceof z.ZodDefault)
    return {
      ...jsonSchema(t._def.innerType as ZodTypeAny),
      default: t._def.defaultValue() as unknown,
      ...description,
    };
  if (t instanceof z.ZodEffects) return { ...jsonSchema(t.innerType() as ZodTypeAny), ...description };
  if (t instanceof z.ZodEnum) return { type: 'string', enum: t.options as string[], ...description };
  if (t instanceof z.ZodNumber) return { type: t.isInt ? 'integer' : 'number', ...description };
  if (t instanceof z.ZodBoolean) return { type: 'boolean', ...description };
  if (t instanceof z.ZodArray)
    return { type: 'array', items: jsonSchema(t.element as ZodTypeAny), ...description };
  if (t instanceof z.ZodObject) {
    const shape = t.shape as Record<string, ZodTypeAny>;
    return {
      type: 'object',
      properties: Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, jsonSchema(v)])),
      required: Object.entries(shape)
        .filter(([, v]) => !v.isOptional())
        .map(([k]) => k),
      additionalProperties: false,
      ...description,
    };
  }
  return { type: 'string', ...description };
}

/** The document is generated from the same route definitions the server mounts, so it cannot drift. */
export function openApiDocument(routes: RouteDef[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    const params = [...r.path.matchAll(/:(\w+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    // Queries with a cross-field check (a range) are a ZodEffects around the object.
    const obj = r.query instanceof z.ZodEffects ? (r.query.innerType() as ZodTypeAny) : r.query;
    const shape = obj instanceof z.ZodObject ? (obj.shape as Record<string, ZodTypeAny>) : {};
    const query = Object.entries(shape).map(([name, t]) => ({
      name,
      in: 'query',
      required: !t.isOptional(),
      schema: jsonSchema(t),
    }));
    const content: Record<string, unknown> = { 'application/json': {} };
    for (const p of r.produces ?? []) content[p] = {};
    paths[path] = {
      ...paths[path],
      [r.method]: {
        summary: r.summary,
        ...(r.description ? { description: r.description } : {}),
        tags: [r.tag],
        parameters: [...params, ...query],
        ...(r.body
          ? {
              requestBody: {
                required: true,
                content: { 'application/json': { schema: jsonSchema(r.body) } },
              },
            }
          : {}),
        security: r.operator ? [{ operatorToken: [] }] : [{ readToken: [] }, { operatorToken: [] }],
        responses: {
          '200': { description: 'OK', content },
          '400': { description: 'invalid parameters (every problem listed)' },
          ...(r.operator
            ? {
                '401': { description: 'missing or wrong operator token' },
                '403': { description: 'the read token cannot act' },
                '503': { description: 'OPERATOR_TOKEN not configured' },
              }
            : { '401': { description: 'missing or wrong read (or operator) token' } }),
        },
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'SiaghSync projector: audit, lineage, conflicts and dead letters', version: '1.0.0' },
    components: {
      securitySchemes: {
        readToken: { type: 'http', scheme: 'bearer', description: 'PROJECTOR_READ_TOKEN' },
        operatorToken: { type: 'http', scheme: 'bearer', description: 'OPERATOR_TOKEN (also reads)' },
      },
    },
    paths,
  };
}
