/** Exports: reports too large for one API answer, run in the background and delivered as one file in S3. */
export { createExport, readExport } from './service.ts';
export { defaultExportServiceDeps } from './default-deps.ts';
