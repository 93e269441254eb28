/** POST /v1/datasources/{id}/reports/video-query */
import { runVideoQueryReport } from '../../shared/api/operations/reports.ts';
import { reportHandler } from '../../shared/http/report-handler.ts';

export const handler = reportHandler(runVideoQueryReport);
