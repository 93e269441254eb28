/**
 * What `npm start` prints. A connect link is minted only while the dev tenant has no datasource:
 * every restart minting one would fill the table with links nobody opens; once an account is
 * connected, the banner shows how to make a link instead.
 */
import { connectDeps, createConnectLink, type CreatedLink } from '../../shared/connect/index.ts';
import { tableAccess } from '../../shared/context.ts';
import { listDatasources } from '../../shared/datasources/index.ts';
import { logger } from '../../shared/logger.ts';
import type { LocalRuntime } from './runtime.ts';
import { routePath } from '../../shared/topology/routes.ts';

export interface Banner {
  lines: string[];
  /** The connect link minted for this start, if any. */
  link?: CreatedLink;
}

export async function startupBanner(runtime: Pick<LocalRuntime, 'baseUrl' | 'apiKey' | 'dataDir' | 'tenantId' | 'sandbox'>): Promise<Banner> {
  const { baseUrl, apiKey } = runtime;
  const connected = (await listDatasources(tableAccess(), runtime.tenantId, { limit: 1 })).items.length > 0;
  const link = connected
    ? undefined
    : await createConnectLink(connectDeps(), { tenantId: runtime.tenantId, name: 'Local dev account' }).catch((err: unknown) => {
        logger.warn('Could not create the dev connect link', { error: err as Error });
        return undefined;
      });
  const auth = `-H "Authorization: Bearer ${apiKey}"`;
  const lines = [
    '',
    `TikTok connector running at ${baseUrl}`,
    `  API base URL   ${baseUrl}/v1   (docs: ${baseUrl}${routePath('getOpenApi')})`,
    `  Dev API key    ${apiKey}`,
    `  Data dir       ${runtime.dataDir}`,
    runtime.sandbox ? `  TikTok         built-in sandbox at ${baseUrl}/sandbox/tiktok (set TIKTOK_CLIENT_KEY/SECRET for the real one)` : '  TikTok         real app (TIKTOK_CLIENT_KEY)',
    '',
    ...(connected
      ? ['Connected accounts:', `  curl -s ${baseUrl}${routePath('listDatasources')} ${auth}`, 'Connect another account:']
      : ['Connect an account:', ...(link ? [`  open ${link.url}   (a ready-to-open connect link, valid until ${link.expiresAt})`, '  or create one:'] : [])]),
    `  curl -s -X POST ${baseUrl}${routePath('createConnectLink')} ${auth} -H 'content-type: application/json' -d '{"name":"My account"}'`,
    '  then open the "url" it returns in a browser.',
    '',
  ];
  return { lines, ...(link ? { link } : {}) };
}
