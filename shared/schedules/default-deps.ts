/** The production wiring of the schedule service and dispatcher: the app context, the report queue, the datasource store. */
import { randomBytes, randomUUID } from 'node:crypto';
import { appContext } from '../context.ts';
import { getDatasource } from '../datasources/index.ts';
import { reportQueue } from '../queue/index.ts';
import { defaultDownloadSigner } from '../store/download.ts';
import type { DispatchDeps } from './dispatch.ts';
import type { ScheduleServiceDeps } from './service.ts';

export function defaultScheduleServiceDeps(): ScheduleServiceDeps {
  const ctx = appContext();
  const now = () => appContext().clock.now();
  return {
    dynamo: ctx.dynamo,
    tableName: ctx.config.tableName,
    now,
    ids: {
      scheduleId: () => `sch_${randomUUID().replace(/-/g, '')}`,
      manualSuffix: () => randomBytes(4).toString('hex'),
    },
    assertDatasource: async (tenantId, datasourceId) => {
      await getDatasource({ dynamo: ctx.dynamo, tableName: ctx.config.tableName, now }, { tenantId, datasourceId });
    },
    queue: () => reportQueue(),
    signer: () => defaultDownloadSigner(ctx.config),
  };
}

export function defaultDispatchDeps(deadline?: number): DispatchDeps {
  const ctx = appContext();
  return {
    dynamo: ctx.dynamo,
    tableName: ctx.config.tableName,
    now: () => appContext().clock.now(),
    queue: reportQueue(),
    deadline,
  };
}
