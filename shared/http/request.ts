import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

/** What a domain handler receives once the middleware has validated and authorised the request. */
export interface ApiRequest<P = Record<string, string>, Q = Record<string, unknown>, B = unknown> {
  requestId: string;
  /** Set for routes with `auth: 'apiKey'`. */
  tenantId: string;
  params: P;
  query: Q;
  body: B;
  headers: Record<string, string | undefined>;
  event: APIGatewayProxyEventV2;
  lambdaContext: Context;
}

/** API Gateway HTTP API (payload 2.0) result. */
export interface ApiResult {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
}

/** State the middleware chain attaches to the event as it goes. */
export interface ApiEventState {
  requestId?: string;
  tenantId?: string;
  parsedBody?: unknown;
}

export type ApiEvent = APIGatewayProxyEventV2 & { __api?: ApiEventState };

/** One header, whatever case the caller sent its name in (API Gateway passes them through as sent). */
export function headerValue(headers: Record<string, string | undefined> | undefined, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers ?? {})) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

export function lowerCaseHeaders(headers: Record<string, string | undefined> | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

/** The request body as text, exactly as sent (what a signature over the body covers). */
export function rawBodyText(event: APIGatewayProxyEventV2): string {
  if (event.body === undefined) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}
