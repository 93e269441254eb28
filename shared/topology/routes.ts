/**
 * THE route table: every HTTP route of API v1, the function that serves it, and its auth. Read by
 * the CDK stack (API Gateway routes + integrations), the local runtime (request matching) and the
 * OpenAPI generator (via operationId -> shared/api/operations).
 */
import type { FunctionName } from './functions.ts';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  method: HttpMethod;
  /** API Gateway path template, e.g. /v1/datasources/{id}. */
  path: string;
  functionName: FunctionName;
  /** `apiKey`: Authorization: Bearer <api key> resolves the tenant. `none`: public (health, docs, OAuth browser hops). */
  auth: 'apiKey' | 'none';
  operationId: string;
}

export const ROUTES = [
  { method: 'GET', path: '/v1/health', functionName: 'meta', auth: 'none', operationId: 'getHealth' },
  { method: 'GET', path: '/v1/openapi.json', functionName: 'meta', auth: 'none', operationId: 'getOpenApi' },
  { method: 'POST', path: '/v1/connect-links', functionName: 'connect', auth: 'apiKey', operationId: 'createConnectLink' },
  { method: 'GET', path: '/v1/connect/{linkId}', functionName: 'connect', auth: 'none', operationId: 'openConnectLink' },
  { method: 'GET', path: '/v1/oauth/callback', functionName: 'oauth-callback', auth: 'none', operationId: 'oauthCallback' },
  { method: 'GET', path: '/v1/datasources', functionName: 'datasources', auth: 'apiKey', operationId: 'listDatasources' },
  { method: 'GET', path: '/v1/datasources/{id}', functionName: 'datasources', auth: 'apiKey', operationId: 'getDatasource' },
  { method: 'DELETE', path: '/v1/datasources/{id}', functionName: 'datasources', auth: 'apiKey', operationId: 'deleteDatasource' },
  { method: 'POST', path: '/v1/datasources/{id}/reports/profile', functionName: 'report-profile', auth: 'apiKey', operationId: 'runProfileReport' },
  { method: 'POST', path: '/v1/datasources/{id}/reports/video-list', functionName: 'report-video-list', auth: 'apiKey', operationId: 'runVideoListReport' },
  { method: 'POST', path: '/v1/datasources/{id}/reports/video-query', functionName: 'report-video-query', auth: 'apiKey', operationId: 'runVideoQueryReport' },
  { method: 'POST', path: '/v1/datasources/{id}/reports/history', functionName: 'report-history', auth: 'apiKey', operationId: 'runHistoryReport' },
  { method: 'POST', path: '/v1/schedules', functionName: 'schedules', auth: 'apiKey', operationId: 'createSchedule' },
  { method: 'GET', path: '/v1/schedules', functionName: 'schedules', auth: 'apiKey', operationId: 'listSchedules' },
  { method: 'GET', path: '/v1/schedules/{id}', functionName: 'schedules', auth: 'apiKey', operationId: 'getSchedule' },
  { method: 'PATCH', path: '/v1/schedules/{id}', functionName: 'schedules', auth: 'apiKey', operationId: 'updateSchedule' },
  { method: 'DELETE', path: '/v1/schedules/{id}', functionName: 'schedules', auth: 'apiKey', operationId: 'deleteSchedule' },
  { method: 'POST', path: '/v1/schedules/{id}/run', functionName: 'schedules', auth: 'apiKey', operationId: 'runScheduleNow' },
  { method: 'GET', path: '/v1/schedules/{id}/runs', functionName: 'schedules', auth: 'apiKey', operationId: 'listScheduleRuns' },
  { method: 'POST', path: '/v1/datasources/{id}/exports', functionName: 'exports', auth: 'apiKey', operationId: 'createExport' },
  { method: 'GET', path: '/v1/exports/{id}', functionName: 'exports', auth: 'apiKey', operationId: 'getExport' },
  { method: 'POST', path: '/v1/mcp', functionName: 'mcp', auth: 'apiKey', operationId: 'mcpPost' },
  // Stateless Streamable HTTP offers no server-sent stream: GET answers 405, as the MCP spec allows.
  { method: 'GET', path: '/v1/mcp', functionName: 'mcp', auth: 'apiKey', operationId: 'mcpGet' },
  { method: 'POST', path: '/v1/webhooks', functionName: 'webhooks', auth: 'apiKey', operationId: 'createWebhook' },
  { method: 'GET', path: '/v1/webhooks', functionName: 'webhooks', auth: 'apiKey', operationId: 'listWebhooks' },
  { method: 'GET', path: '/v1/webhooks/{id}', functionName: 'webhooks', auth: 'apiKey', operationId: 'getWebhook' },
  { method: 'PATCH', path: '/v1/webhooks/{id}', functionName: 'webhooks', auth: 'apiKey', operationId: 'updateWebhook' },
  { method: 'DELETE', path: '/v1/webhooks/{id}', functionName: 'webhooks', auth: 'apiKey', operationId: 'deleteWebhook' },
  { method: 'POST', path: '/v1/webhooks/{id}/rotate-secret', functionName: 'webhooks', auth: 'apiKey', operationId: 'rotateWebhookSecret' },
  { method: 'POST', path: '/v1/webhooks/{id}/test', functionName: 'webhooks', auth: 'apiKey', operationId: 'testWebhook' },
  { method: 'GET', path: '/v1/webhooks/{id}/deliveries', functionName: 'webhooks', auth: 'apiKey', operationId: 'listWebhookDeliveries' },
  { method: 'POST', path: '/v1/alerts', functionName: 'alerts', auth: 'apiKey', operationId: 'createAlert' },
  { method: 'GET', path: '/v1/alerts', functionName: 'alerts', auth: 'apiKey', operationId: 'listAlerts' },
  { method: 'GET', path: '/v1/alerts/{id}', functionName: 'alerts', auth: 'apiKey', operationId: 'getAlert' },
  { method: 'PATCH', path: '/v1/alerts/{id}', functionName: 'alerts', auth: 'apiKey', operationId: 'updateAlert' },
  { method: 'DELETE', path: '/v1/alerts/{id}', functionName: 'alerts', auth: 'apiKey', operationId: 'deleteAlert' },
  { method: 'POST', path: '/v1/alerts/{id}/evaluate', functionName: 'alerts', auth: 'apiKey', operationId: 'evaluateAlert' },
  // Called by TikTok; authenticated by its TikTok-Signature header, not an API key.
  { method: 'POST', path: '/v1/tiktok/webhook', functionName: 'tiktok-webhook', auth: 'none', operationId: 'tiktokWebhook' },
] as const satisfies readonly RouteSpec[];

export type OperationId = (typeof ROUTES)[number]['operationId'];

export function routeKey(route: Pick<RouteSpec, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

export function routeByOperationId(operationId: string): RouteSpec {
  const route = (ROUTES as readonly RouteSpec[]).find((r) => r.operationId === operationId);
  if (!route) throw new Error(`No route for operation ${operationId}`);
  return route;
}

/**
 * The path of a named route: its template (`/v1/datasources/{id}/exports`) without `params`, or
 * with each `{name}` filled in, URL-encoded. Domain code builds links and hints with this, never
 * with a path literal, so a route changes in one place (this table).
 */
export function routePath(operationId: OperationId, params?: Readonly<Record<string, string>>): string {
  const template = routeByOperationId(operationId).path;
  if (!params) return template;
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`Route ${operationId} needs the path parameter ${name}`);
    return encodeURIComponent(value);
  });
}
