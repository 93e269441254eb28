/** The members every TikTok-backed report request has: fields, cloud9ql, format. */
import type { ReportType as TikTokReportType } from '../../tiktok/index.ts';
import { cloud9qlSchema, formatSchema } from './common.ts';
import { fieldsSchema } from './fields.ts';

export function baseRequestShape(reportType: TikTokReportType, defaultQuery: string) {
  return {
    fields: fieldsSchema(reportType),
    cloud9ql: cloud9qlSchema(defaultQuery),
    format: formatSchema(),
  };
}
