/** Dependencies of the datasource operations, wired from appContext for the handlers. */
import { tableAccess } from '../context.ts';
import { getTikTokClient } from '../credentials/tiktok-app.ts';
import { tokenVault } from '../tokens/default-vault.ts';
import type { DeleteDatasourceDeps } from './delete.ts';

export function datasourceDeps(): DeleteDatasourceDeps {
  return { ...tableAccess(), vault: tokenVault(), tiktok: getTikTokClient };
}
