/** The alerts API (docs/webhooks.md "Alerts"). */
import { createAlert, deleteAlert, evaluateAlert, getAlert, listAlerts, updateAlert } from '../../shared/api/operations/alerts.ts';
import * as alerts from '../../shared/alerts/alerts.ts';
import { defaultAlertDeps } from '../../shared/alerts/default-deps.ts';
import { httpHandler, json, noContent, routeDispatcher } from '../../shared/http/index.ts';
import { withWork } from '../../shared/quota/work.ts';

const deps = () => defaultAlertDeps();

export const handler = routeDispatcher({
  createAlert: httpHandler(createAlert, async (req) => json(201, alerts.alertView(await alerts.createAlert(deps(), req.tenantId, req.body)))),
  listAlerts: httpHandler(listAlerts, async (req) => json(200, { items: (await alerts.listAlerts(deps(), req.tenantId)).map(alerts.alertView) })),
  getAlert: httpHandler(getAlert, async (req) => json(200, alerts.alertView(await alerts.getAlert(deps(), req.tenantId, req.params.id)))),
  updateAlert: httpHandler(updateAlert, async (req) => json(200, alerts.alertView(await alerts.updateAlert(deps(), req.tenantId, req.params.id, req.body)))),
  deleteAlert: httpHandler(deleteAlert, async (req) => {
    await alerts.deleteAlert(deps(), req.tenantId, req.params.id);
    return noContent();
  }),
  evaluateAlert: httpHandler(evaluateAlert, async (req) => {
    const d = deps();
    const alert = await alerts.getAlert(d, req.tenantId, req.params.id);
    // Alert evaluation is scheduled work, even when asked for now (docs/quota.md lanes).
    return json(200, await withWork({ tenantId: req.tenantId, priority: 'scheduled' }, () => alerts.evaluateAlert(d, alert)));
  }),
});
