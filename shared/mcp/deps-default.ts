/**
 * The real wiring of the MCP tools. Schedules are read through the service functions directly (not
 * schedules/index.ts): its default deps bring the SQS client, which this read-only role may not use.
 */
import { tableAccess, appContext } from '../context.ts';
import { datasourceView } from '../datasources/model.ts';
import { getDatasource, listDatasources } from '../datasources/store.ts';
import { defaultDownloadSigner } from '../exports/download.ts';
import { runReport } from '../reports/run.ts';
import { listScheduleRuns, listSchedules, type ScheduleServiceDeps } from '../schedules/service.ts';
import type { McpDeps } from './deps.ts';

function readOnly(): never {
  throw new Error('The MCP tools are read-only');
}

function scheduleDeps(): ScheduleServiceDeps {
  const table = tableAccess();
  return {
    ...table,
    ids: { scheduleId: readOnly, manualSuffix: readOnly },
    assertDatasource: async (tenantId, datasourceId) => {
      await getDatasource(table, { tenantId, datasourceId });
    },
    queue: readOnly,
    signer: () => defaultDownloadSigner(appContext().config),
  };
}

export function defaultMcpDeps(): McpDeps {
  return {
    listDatasources: async (tenantId, page) => {
      const result = await listDatasources(tableAccess(), tenantId, page);
      return { items: result.items.map(datasourceView), ...(result.nextToken ? { nextToken: result.nextToken } : {}) };
    },
    getDatasource: async (tenantId, datasourceId) => datasourceView(await getDatasource(tableAccess(), { tenantId, datasourceId })),
    runReport,
    listSchedules: (tenantId, page) => listSchedules(scheduleDeps(), tenantId, page),
    listRuns: (tenantId, scheduleId, page) => listScheduleRuns(scheduleDeps(), tenantId, scheduleId, page),
  };
}
