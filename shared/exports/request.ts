/**
 * The create body of an export: `reportType` plus that report type's request members. The body
 * schema only picks the report type; the members are parsed once, here, by THE report schema of
 * that type (so an export is validated exactly like the report API's request).
 */
import * as z from 'zod/mini';
import '../zod-locale.ts';
import { ValidationError } from '../errors.ts';
import { parseOrThrow } from '../validation/index.ts';
import { REPORT_TYPES, reportRequestSchema, type ReportType } from '../reports/index.ts';
import { routePath } from '../topology/routes.ts';
import { EXPORT_LIMITS } from './model.ts';

export const exportBodySchema = z
  .looseObject({
    reportType: z.enum(REPORT_TYPES as [ReportType, ...ReportType[]]).check(z.meta({ description: 'The report to export.' })),
  })
  .check(
    z.meta({
      description:
        `reportType plus the members of that report type's request (as POST ${routePath('runProfileReport').replace(/[^/]+$/, '<reportType>')}: fields, requestBody, cloud9ql, format...). ` +
        `A video-list export always follows every page from requestBody.cursor (allPages and maxVideos are not accepted), up to ${EXPORT_LIMITS.maxRows} videos and ${EXPORT_LIMITS.maxPages} pages; ` +
        'Cloud9QL runs once on the full result.',
    }),
  );

/** A validated create body (what httpHandler hands the export API). */
export type ExportBody = z.output<typeof exportBodySchema>;

/** The report request of an export: the report type's own schema; a video list always follows every page. */
export function parseExportRequest(body: ExportBody): { reportType: ReportType; request: Record<string, unknown> } {
  const { reportType, ...rest } = body;
  if (reportType === 'video-list') {
    for (const member of ['allPages', 'maxVideos'] as const) {
      if (member in rest) {
        throw new ValidationError(`${member} does not apply to an export: it always follows every page (at most ${EXPORT_LIMITS.maxRows} videos).`, member);
      }
    }
    rest.allPages = true;
  }
  const request: Record<string, unknown> = parseOrThrow(reportRequestSchema(reportType), rest);
  return { reportType, request };
}
