/**
 * runReport for report types computed from stored data only (`history`): Cloud9QL and the app clock,
 * no TikTok client and no token vault. report-history's role may not decrypt tokens or read the
 * TikTok secret, so its bundle must not carry that code either (test/infra/bundle-contents).
 */
import { runCloud9QL } from '../cloud9ql/index.ts';
import { appContext } from '../context.ts';
import { registerCache } from '../lambda/caches.ts';
import type { ReportDeps } from './deps.ts';
import { createReportRunner, type RunReportArgs } from './runner.ts';
import type { ReportResult } from './types.ts';

/** The report types whose fetch reads the table only. */
export type StoredReportType = 'history';

function noTikTok(): never {
  throw new Error('A stored-data report asked for TikTok access; run it with runReport (reports/run.ts) instead');
}

let runner: ((args: RunReportArgs) => Promise<ReportResult>) | undefined;
registerCache('reports.storedRunner', { clear: () => (runner = undefined) });

export function runStoredReport(args: RunReportArgs & { reportType: StoredReportType }): Promise<ReportResult> {
  runner ??= createReportRunner({
    now: () => appContext().clock.now(),
    runCloud9QL,
    tiktokClient: noTikTok,
    withAccessToken: noTikTok,
  } satisfies ReportDeps);
  return runner(args);
}
