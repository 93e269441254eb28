/** Dependencies of the datasource operations, wired from appContext for the handlers. */
import { appContext } from '../context.ts';
import { getTikTokClient } from '../credentials/tiktok-app.ts';
import { tokenVault } from '../tokens/default-vault.ts';
import type { DeleteDatasourceDeps } from './delete.ts';

export function datasourceDeps(): DeleteDatasourceDeps {
  const ctx = appContext();
  return { dynamo: ctx.dynamo, tableName: ctx.config.tableName, now: () => ctx.clock.now(), vault: tokenVault(), tiktok: getTikTokClient };
}
