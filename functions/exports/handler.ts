/** POST /v1/datasources/{id}/exports, GET /v1/exports/{id} */
import { createExport, getExport } from '../../shared/api/operations/exports.ts';
import { createExport as create, defaultExportServiceDeps, readExport } from '../../shared/exports/index.ts';
import { httpHandler, json, routeDispatcher } from '../../shared/http/index.ts';

export const handler = routeDispatcher({
  createExport: httpHandler(createExport, async (req) =>
    json(202, await create(defaultExportServiceDeps(), req.tenantId, req.params.id, req.body)),
  ),
  getExport: httpHandler(getExport, async (req) => json(200, await readExport(defaultExportServiceDeps(), req.tenantId, req.params.id))),
});
