/**
 * runReport wired with the service's real dependencies (TikTok client, token vault with its grant
 * cache, clock, Cloud9QL), created on first use. Used by the report Lambdas and report-generate.
 *
 * It lives apart from index.ts so that modules which only read report schemas (OpenAPI in meta,
 * schedule validation) do not bundle the token stack. A dynamic import() in index.ts would not do:
 * esbuild inlines it into a one-file bundle and wraps the modules it reaches in lazy initialisers,
 * which stops tree shaking (measured: +104 KiB per report bundle, the SDK's aggregated clients).
 */
import { registerCache } from '../lambda/caches.ts';
import { defaultReportDeps } from './default-deps.ts';
import { createReportRunner, type RunReportArgs } from './runner.ts';
import type { ReportResult } from './types.ts';

let runner: ((args: RunReportArgs) => Promise<ReportResult>) | undefined;
// The runner holds the grant cache (shared/reports/grant-cache.ts): resetCaches() forgets the grants too.
registerCache('reports.runner', { clear: () => (runner = undefined) });

export function runReport(args: RunReportArgs): Promise<ReportResult> {
  runner ??= createReportRunner(defaultReportDeps());
  return runner(args);
}
