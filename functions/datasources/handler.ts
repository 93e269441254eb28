import * as ops from '../../shared/api/operations/datasources.ts';
import { datasourceDeps, datasourceView, deleteDatasource, getDatasource, listDatasources } from '../../shared/datasources/index.ts';
import { httpHandler, json, noContent, routeDispatcher } from '../../shared/http/index.ts';

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
