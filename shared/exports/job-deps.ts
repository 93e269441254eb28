/**
 * The production wiring of the export job (report-generate): S3, the report code path (runReport,
 * renderers) and TikTok video/list through the report domain's token session (scopes checked, one
 * refresh-and-retry on token_invalid, paging state kept outside the call so a retry resumes).
 */
import { randomUUID } from 'node:crypto';
import { runCloud9QL } from '../cloud9ql/index.ts';
import { readExportPagesPerInvocation } from '../config/exports.ts';
import { appContext } from '../context.ts';
import { reportPort } from '../delivery/default-deps.ts';
import { defaultCloud9QL, type ReportType } from '../reports/index.ts';
import { defaultReportDeps } from '../reports/default-deps.ts';
import { fetchFromTikTok } from '../reports/tiktok-source.ts';
import { REPORT_QUEUE_SETTINGS } from '../queue/index.ts';
import { s3Client } from '../store/s3.ts';
import type { ExportJobDeps, VideoPager } from './job.ts';

function videoPager(): VideoPager {
  const deps = defaultReportDeps();
  return {
    async open(ref, work) {
      await fetchFromTikTok({ deps, tenantId: ref.tenantId, datasourceId: ref.datasourceId, reportType: 'video-list', fields: ref.fields }, async (client, token, datasource) =>
        work(async (cursor, maxCount) => {
          const res = await client.listVideos(token, ref.fields, { cursor, max_count: maxCount });
          return { videos: (res.data.videos ?? []) as Array<Record<string, unknown>>, cursor: res.data.cursor, hasMore: res.data.has_more === true };
        }, datasource.displayName),
      );
    },
  };
}

export function defaultExportJobDeps(): ExportJobDeps {
  const ctx = appContext();
  return {
    store: { dynamo: ctx.dynamo, tableName: ctx.config.tableName },
    s3: s3Client(),
    bucketName: ctx.config.bucketName,
    now: () => appContext().clock.now(),
    newOwner: () => randomUUID(),
    reports: reportPort,
    pager: videoPager(),
    runCloud9QL,
    defaultQuery: (t) => defaultCloud9QL(t as ReportType),
    settings: {
      // No heartbeat renews an export's lease: it lasts as long as report-generate's invocation can
      // (from the function table), so a duplicate delivery never takes over a live step.
      leaseMs: REPORT_QUEUE_SETTINGS.consumerTimeoutSeconds * 1000,
      pagesPerInvocation: readExportPagesPerInvocation(),
      retryBaseSeconds: REPORT_QUEUE_SETTINGS.retryBaseSeconds,
      retryMaxSeconds: REPORT_QUEUE_SETTINGS.retryMaxSeconds,
      maxDelaySeconds: REPORT_QUEUE_SETTINGS.maxDelaySeconds,
    },
  };
}
