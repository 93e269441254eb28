/** The production wiring of the schedule service and dispatcher: the app context, the report queue, the datasource store. */
import { randomBytes, randomUUID } from 'node:crypto';
import { appContext, tableAccess } from '../context.ts';
import { datasourceCheck } from '../datasources/index.ts';
import { reportQueue } from '../queue/index.ts';
import { defaultDownloadSigner } from '../store/download.ts';
import type { DispatchDeps } from './dispatch.ts';
import type { ScheduleServiceDeps } from './service.ts';

export function defaultScheduleServiceDeps(): ScheduleServiceDeps {
  const table = tableAccess();
  return {
    ...table,
    ids: {
      scheduleId: () => `sch_${randomUUID().replace(/-/g, '')}`,
      manualSuffix: () => randomBytes(4).toString('hex'),
    },
    assertDatasource: datasourceCheck(table),
    queue: () => reportQueue(),
    signer: () => defaultDownloadSigner(appContext().config),
  };
}

export function defaultDispatchDeps(deadline?: number): DispatchDeps {
  return { ...tableAccess(), queue: reportQueue(), deadline };
}
