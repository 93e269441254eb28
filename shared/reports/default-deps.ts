/**
 * The production wiring of ReportDeps: the app's TikTok client (one per container), the token
 * service behind a short-lived grant cache (grant-cache.ts), the app clock and Cloud9QL.
 */
import { compileCloud9QL, runCloud9QL } from '../cloud9ql/index.ts';
import { appContext } from '../context.ts';
import { getTikTokClient } from '../credentials/tiktok-app.ts';
import { withAccessToken } from '../tokens/index.ts';
import type { ReportDeps } from './deps.ts';
import { createGrantCache } from './grant-cache.ts';

export function defaultReportDeps(): ReportDeps {
  const now = () => appContext().clock.now();
  const grants = createGrantCache((ref, fn) => withAccessToken(ref, (accessToken, datasource) => fn(accessToken, datasource)), { now });
  return {
    tiktokClient: () => getTikTokClient(),
    withAccessToken: grants.withAccessToken,
    now,
    runCloud9QL,
    checkCloud9QL: compileCloud9QL,
  };
}
