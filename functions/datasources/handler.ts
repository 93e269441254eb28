import * as ops from '../../shared/api/operations/datasources.ts';
import { tableAccess } from '../../shared/context.ts';
import { getTikTokClient } from '../../shared/credentials/tiktok-app.ts';
import { datasourceView, deleteDatasource, getDatasource, listDatasources, type DeleteDatasourceDeps } from '../../shared/datasources/index.ts';
import { httpHandler, json, noContent, routeDispatcher } from '../../shared/http/index.ts';
import { tokenVault } from '../../shared/tokens/default-vault.ts';

/** The composition root of the datasource operations: the table, the configured token vault, the app's TikTok client. */
function datasourceDeps(): DeleteDatasourceDeps {
  return { ...tableAccess(), vault: tokenVault(), tiktok: getTikTokClient };
}

export const handler = routeDispatcher({
  listDatasources: httpHandler(ops.listDatasources, async (req) => {
    const page = await listDatasources(datasourceDeps(), req.tenantId, { limit: req.query.limit, nextToken: req.query.nextToken });
    return json(200, { items: page.items.map(datasourceView), ...(page.nextToken ? { nextToken: page.nextToken } : {}) });
  }),
  getDatasource: httpHandler(ops.getDatasource, async (req) => {
    return json(200, datasourceView(await getDatasource(datasourceDeps(), { tenantId: req.tenantId, datasourceId: req.params.id })));
  }),
  deleteDatasource: httpHandler(ops.deleteDatasource, async (req) => {
    const result = await deleteDatasource(datasourceDeps(), { tenantId: req.tenantId, datasourceId: req.params.id });
    // 204 when TikTok confirmed the revoke; otherwise 200 saying so (the deletion itself always completes).
    return result.revoked ? noContent() : json(200, result);
  }),
});
