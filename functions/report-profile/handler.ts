/** POST /v1/datasources/{id}/reports/profile */
import { runProfileReport } from '../../shared/api/operations/reports.ts';
import { reportHandler } from '../../shared/http/report-handler.ts';

export const handler = reportHandler(runProfileReport);
