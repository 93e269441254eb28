/** The production wiring of the export API (functions/exports): no S3 client, no token stack. */
import { appContext } from '../context.ts';
import { getDatasource } from '../datasources/index.ts';
import { reportQueue } from '../queue/index.ts';
import { defaultDownloadSigner } from './download.ts';
import type { ExportServiceDeps } from './service.ts';

export function defaultExportServiceDeps(): ExportServiceDeps {
  const ctx = appContext();
  const now = () => appContext().clock.now();
  return {
    dynamo: ctx.dynamo,
    tableName: ctx.config.tableName,
    now,
    assertDatasource: async (tenantId, datasourceId) => {
      await getDatasource({ dynamo: ctx.dynamo, tableName: ctx.config.tableName, now }, { tenantId, datasourceId });
    },
    queue: () => reportQueue(),
    signer: () => defaultDownloadSigner(ctx.config),
  };
}
