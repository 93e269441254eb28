/**
 * OpenAPI 3.1 generated from the route table and the operations' zod schemas (zod's own
 * JSON Schema output is draft 2020-12, which OpenAPI 3.1 uses as is).
 */
import * as z from 'zod/mini';
import '../zod-locale.ts';
import { ROUTES } from '../topology/routes.ts';
import type { OperationDoc } from './operation.ts';

export const errorBodySchema = z.object({
  error: z.catchall(
    z.object({
      code: z.string().check(z.meta({ description: 'Stable machine-readable code, e.g. invalid_request, unauthorized, not_found.' })),
      message: z.string(),
      field: z.optional(z.string()).check(z.meta({ description: 'The request field at fault, when there is one.' })),
      requestId: z.string(),
    }),
    z.unknown(),
  ),
});

const STANDARD_ERRORS: Record<number, string> = {
  400: 'Invalid input; `error.field` names the field.',
  401: 'Missing or invalid API key.',
  404: 'Unknown id (or another tenant\'s).',
  413: 'Request body too large.',
  429: 'rate_limited: the tenant\'s API requests-per-minute limit is reached (`error.requestsPerMinute`); retry after the Retry-After seconds.',
  500: 'Internal error.',
};

/** Retry-After on 429 answers (the tenant's request limit, TikTok's rate limit). */
const RETRY_AFTER_HEADER = { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 1 } } };

export function jsonSchema(schema: z.ZodMiniType, io: 'input' | 'output'): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

function parameters(op: OperationDoc): unknown[] {
  const out: unknown[] = [];
  for (const [where, schema] of [['path', op.params], ['query', op.query]] as const) {
    if (!schema) continue;
    for (const [name, field] of Object.entries(schema.shape)) {
      const fieldSchema = field as z.ZodMiniType;
      const description = z.globalRegistry.get(fieldSchema)?.description;
      out.push({
        name,
        in: where,
        required: where === 'path' ? true : !fieldSchema.safeParse(undefined).success,
        schema: jsonSchema(fieldSchema, 'input'),
        ...(description ? { description } : {}),
      });
    }
  }
  return out;
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
  /** A server entry; `variables` makes it a templated one (e.g. `{baseUrl}` for each deployment). */
  server?: { url: string; description?: string; variables?: Record<string, { default: string; description?: string }> };
}

export function buildOpenApiDocument(operations: readonly OperationDoc[], info: OpenApiInfo): Record<string, unknown> {
  const byId = new Map(operations.map((o) => [o.operationId, o]));
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const op = byId.get(route.operationId);
    if (!op) continue; // a route whose operation is not registered yet is left out rather than described wrongly
    const responses: Record<string, unknown> = {};
    for (const [status, doc] of Object.entries(op.responses)) {
      const content: Record<string, unknown> = {};
      if (doc.schema) content[doc.contentType ?? 'application/json'] = { schema: jsonSchema(doc.schema, 'output') };
      else if (doc.contentType) content[doc.contentType] = { schema: { type: 'string' } };
      for (const alt of doc.alternatives ?? []) content[alt.contentType] = { schema: { type: 'string' }, ...(alt.example ? { example: alt.example } : {}) };
      responses[status] = {
        description: doc.description,
        ...(Object.keys(content).length ? { content } : {}),
        ...(doc.headers ? { headers: doc.headers } : {}),
      };
    }
    const errorStatuses = Object.keys(STANDARD_ERRORS).map(Number).filter((s) => {
      if (route.auth === 'none' && (s === 401 || s === 429)) return false;
      if (!op.body && s === 413) return false;
      return true;
    });
    for (const status of errorStatuses) {
      responses[String(status)] ??= {
        description: STANDARD_ERRORS[status],
        content: { 'application/json': { schema: jsonSchema(errorBodySchema, 'output') } },
        ...(status === 429 ? { headers: RETRY_AFTER_HEADER } : {}),
      };
    }
    const openapiPath = route.path;
    paths[openapiPath] ??= {};
    paths[openapiPath][route.method.toLowerCase()] = {
      operationId: op.operationId,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: op.tags,
      ...(route.auth === 'apiKey' ? { security: [{ apiKey: [] }] } : { security: [] }),
      parameters: parameters(op),
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(op.body, 'input'), ...(op.bodyExample ? { example: op.bodyExample } : {}) } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: info.description },
    ...(info.server ? { servers: [info.server] } : {}),
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'API key: `Authorization: Bearer <api key>`.' } },
    },
    paths,
  };
}
