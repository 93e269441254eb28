/** The production wiring of the export API (functions/exports): no S3 client, no token stack. */
import { appContext, tableAccess } from '../context.ts';
import { datasourceCheck } from '../datasources/index.ts';
import { reportQueue } from '../queue/index.ts';
import { defaultDownloadSigner } from '../store/download.ts';
import type { ExportServiceDeps } from './service.ts';

export function defaultExportServiceDeps(): ExportServiceDeps {
  const table = tableAccess();
  return {
    ...table,
    assertDatasource: datasourceCheck(table),
    queue: () => reportQueue(),
    signer: () => defaultDownloadSigner(appContext().config),
  };
}
