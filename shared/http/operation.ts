/**
 * An API operation described once: the zod schemas here both validate requests (shared/http)
 * and generate the OpenAPI document (shared/http/openapi.ts), so the two cannot drift.
 */
import type * as z from 'zod/mini';

export interface ResponseDoc {
  description: string;
  /** JSON body schema; omit for empty bodies. */
  schema?: z.ZodMiniType;
  /** Defaults to application/json when a schema is given. */
  contentType?: string;
  /** Extra content types for the same status (e.g. text/csv beside JSON). */
  alternatives?: Array<{ contentType: string; example?: string }>;
  headers?: Record<string, { description: string; schema?: Record<string, unknown> }>;
}

export interface OperationDoc {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  params?: z.ZodMiniObject;
  query?: z.ZodMiniObject;
  body?: z.ZodMiniType;
  /** Example request body, shown in OpenAPI. */
  bodyExample?: unknown;
  responses: Record<number, ResponseDoc>;
}
