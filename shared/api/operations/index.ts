/**
 * Every documented operation of API v1. Each concern contributes its own list; the OpenAPI
 * document and the route-table consistency test read this one.
 */
import type { OperationDoc } from '../../http/operation.ts';
import { metaOperations } from './meta.ts';
import { connectOperations } from './connect.ts';
import { datasourceOperations } from './datasources.ts';
import { reportOperations } from './reports.ts';
import { historyOperations } from './history.ts';
import { scheduleOperations } from './schedules.ts';
import { exportOperations } from './exports.ts';
import { mcpOperations } from './mcp.ts';
import { webhookOperations } from './webhooks.ts';
import { tiktokWebhookOperations } from './tiktok-webhook.ts';
import { alertOperations } from './alerts.ts';

export const OPERATIONS: readonly OperationDoc[] = [
  ...metaOperations,
  ...connectOperations,
  ...datasourceOperations,
  ...reportOperations,
  ...historyOperations,
  ...scheduleOperations,
  ...exportOperations,
  ...mcpOperations,
  ...webhookOperations,
  ...tiktokWebhookOperations,
  ...alertOperations,
];
