/** Exports: reports too large for one API answer, run in the background and delivered as one file in S3. */
export { createExport, readExport, ExportNotFoundError, type ExportServiceDeps } from './service.ts';
export { parseExportRequest } from './request.ts';
export { defaultExportServiceDeps } from './default-deps.ts';
export { EXPORT_LIMITS, EXPORT_STATUSES, exportObjectKey, exportPartKey, type ExportRecord, type ExportView } from './model.ts';
export { defaultDownloadSigner, tryLink, DOWNLOAD_URL_TTL_SECONDS, type DownloadSigner, type DownloadLink } from './download.ts';
