/**
 * The export API: create (validate like the report API, store, queue) and read (tenant-scoped,
 * with a download link once the file is there). No S3 client and no token stack here: the work
 * runs in report-generate (job.ts).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { QueueMessage } from '../queue/message.ts';
import { parseExportRequest, type ExportBody } from './request.ts';
import { tryLink, type DownloadSigner } from './download.ts';
import { EXPORT_ID_PATTERN, EXPORT_LIMITS, EXPORT_RETENTION_MS, exportKey, exportView, newExportId, type ExportRecord, type ExportView } from './model.ts';
import { countActiveExports, getExport, putNewExport, type ExportStoreDeps } from './store.ts';
import { ttlFromMs } from '../store/table.ts';

export interface ExportServiceDeps extends ExportStoreDeps {
  now(): number;
  /** Resolves when the tenant owns the datasource; throws a 404 otherwise. */
  assertDatasource(tenantId: string, datasourceId: string): Promise<void>;
  queue(): { send(messages: readonly QueueMessage[]): Promise<void> };
  signer(): DownloadSigner | undefined;
  newId?: (nowMs: number) => string;
}


export class ExportNotFoundError extends NotFoundError {
  constructor(id: string) {
    super(`Export ${id} was not found.`, 'export_not_found');
    this.name = 'ExportNotFoundError';
  }
}

export async function createExport(deps: ExportServiceDeps, tenantId: string, datasourceId: string, body: ExportBody): Promise<ExportView> {
  const { reportType, request } = parseExportRequest(body);
  await deps.assertDatasource(tenantId, datasourceId);
  const nowMs = deps.now();
  if ((await countActiveExports(deps, tenantId, nowMs)) >= EXPORT_LIMITS.maxActivePerTenant) {
    throw new ConflictError('export_limit_reached', `A tenant can have at most ${EXPORT_LIMITS.maxActivePerTenant} exports queued or running; wait for one to finish.`, {
      limit: EXPORT_LIMITS.maxActivePerTenant,
    });
  }
  const record: ExportRecord = {
    id: (deps.newId ?? newExportId)(nowMs),
    tenantId,
    datasourceId,
    reportType,
    format: String(request.format),
    request,
    status: 'queued',
    createdAt: new Date(nowMs).toISOString(),
    pages: 0,
    fetched: 0,
    parts: 0,
    version: 0,
    attempts: 0,
    waits: 0,
    continuations: 0,
    ttl: ttlFromMs(nowMs + EXPORT_RETENTION_MS),
  };
  await putNewExport(deps, record);
  try {
    await deps.queue().send([{ kind: 'export', tenantId, exportId: record.id }]);
  } catch (err) {
    // Not queued = never runs: say so on the export rather than leave it queued forever.
    await deps.dynamo
      .send(
        new UpdateCommand({
          TableName: deps.tableName,
          Key: exportKey(tenantId, record.id),
          UpdateExpression: 'SET #status = :failed, #error = :error, finishedAt = :at',
          ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
          ExpressionAttributeValues: { ':failed': 'failed', ':error': { code: 'queue_unavailable', message: 'The export could not be queued.' }, ':at': new Date(nowMs).toISOString() },
        }),
      )
      .catch(() => undefined);
    throw err;
  }
  return exportView(record);
}

export async function readExport(deps: ExportServiceDeps, tenantId: string, id: string): Promise<ExportView> {
  if (!EXPORT_ID_PATTERN.test(id)) throw new ExportNotFoundError(id);
  const nowMs = deps.now();
  const record = await getExport(deps, { tenantId, id }, nowMs);
  if (!record) throw new ExportNotFoundError(id);
  return exportView(record, record.status === 'succeeded' ? tryLink(deps.signer(), record.s3Key, nowMs) : undefined);
}
