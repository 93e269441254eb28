/** The webhook subscription API (docs/webhooks.md). */
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhookDeliveries,
  listWebhooks,
  rotateWebhookSecret,
  testWebhook,
  updateWebhook,
} from '../../shared/api/operations/webhooks.ts';
import { httpHandler, json, noContent, routeDispatcher } from '../../shared/http/index.ts';
import { defaultWebhookServiceDeps } from '../../shared/webhooks/default-deps.ts';
import * as webhooks from '../../shared/webhooks/service.ts';

const deps = () => defaultWebhookServiceDeps();

export const handler = routeDispatcher({
  createWebhook: httpHandler(createWebhook, async (req) => json(201, await webhooks.createWebhook(deps(), req.tenantId, req.body))),
  listWebhooks: httpHandler(listWebhooks, async (req) => json(200, await webhooks.listWebhooks(deps(), req.tenantId))),
  getWebhook: httpHandler(getWebhook, async (req) => json(200, await webhooks.getWebhook(deps(), req.tenantId, req.params.id))),
  updateWebhook: httpHandler(updateWebhook, async (req) => json(200, await webhooks.updateWebhook(deps(), req.tenantId, req.params.id, req.body))),
  deleteWebhook: httpHandler(deleteWebhook, async (req) => {
    await webhooks.deleteWebhook(deps(), req.tenantId, req.params.id);
    return noContent();
  }),
  rotateWebhookSecret: httpHandler(rotateWebhookSecret, async (req) => json(200, await webhooks.rotateWebhookSecret(deps(), req.tenantId, req.params.id))),
  testWebhook: httpHandler(testWebhook, async (req) => json(202, await webhooks.testWebhook(deps(), req.tenantId, req.params.id))),
  listWebhookDeliveries: httpHandler(listWebhookDeliveries, async (req) =>
    json(200, await webhooks.listDeliveries(deps(), req.tenantId, req.params.id, req.query)),
  ),
});
