/**
 * The `history` report type, registered in the report registry like the TikTok-backed ones (so the
 * API, Cloud9QL, formats and schedules treat it alike). It reads stored snapshots only: no TikTok
 * call and no token, so it still answers while the account needs re-authorisation.
 *
 * Cloud9QL runs on `{data:{account, from, to, granularity, periods, top_videos, ...}}`; the
 * default query `select expand(data.periods);` gives one row per period.
 */
import { appContext } from '../../context.ts';
import { getDatasource } from '../../datasources/store.ts';
import { defineReport } from '../types.ts';
import { dayOf } from '../../history/days.ts';
import { computeHistory } from '../../history/report.ts';
import { DEFAULT_HISTORY_QUERY, historyRequestExample, historyRequestSchema, resolveRange } from '../request/history.ts';
import { readHistorySettings } from '../../history/settings.ts';

export const historyReport = defineReport({
  type: 'history',
  title: 'Growth history',
  defaultQuery: DEFAULT_HISTORY_QUERY,
  schema: historyRequestSchema,
  example: historyRequestExample,
  async fetch({ deps, tenantId, datasourceId, request }) {
    const ctx = appContext();
    const store = { dynamo: ctx.dynamo, tableName: ctx.config.tableName, now: () => deps.now() };
    // Tenant isolation: another tenant's (or an unknown) datasource is a 404 before anything is read.
    const datasource = await getDatasource(store, { tenantId, datasourceId });
    const { from, to } = resolveRange(request, dayOf(deps.now()));
    const data = await computeHistory(
      { datasourceId, from, to, granularity: request.granularity, metrics: request.metrics, topVideos: request.topVideos },
      { ...store, settings: readHistorySettings() },
    );
    const account = { display_name: datasource.displayName ?? null, name: datasource.name, status: datasource.status };
    return {
      input: { data: { account, ...data } },
      pages: 0,
      cursor: null,
      hasMore: false,
      meta: {
        account: { displayName: datasource.displayName ?? null, name: datasource.name },
        history: {
          from,
          to,
          granularity: data.granularity,
          metrics: data.metrics,
          daysWithData: data.days_with_data,
          firstSnapshot: data.first_snapshot,
          topVideos: data.top_videos,
          topVideosFrom: data.top_videos_from,
          topVideosTo: data.top_videos_to,
        },
      },
    };
  },
});
