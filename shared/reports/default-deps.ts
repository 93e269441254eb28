/** The production wiring of ReportDeps: the app's TikTok client, the token store, the app clock, Cloud9QL. */
import { runCloud9QL } from '../cloud9ql/index.ts';
import { appContext } from '../context.ts';
import { getTikTokClient } from '../credentials/tiktok-app.ts';
import { withAccessToken } from '../tokens/index.ts';
import type { ReportDeps } from './deps.ts';

export function defaultReportDeps(): ReportDeps {
  return {
    tiktokClient: () => getTikTokClient(),
    withAccessToken: (ref, fn) => withAccessToken(ref, (accessToken, datasource) => fn(accessToken, datasource)),
    now: () => appContext().clock.now(),
    runCloud9QL,
  };
}
