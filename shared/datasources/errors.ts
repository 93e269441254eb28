/** The datasource errors the API contract names: 404 (unknown or another tenant's) and 409 needs_reauth. */
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Datasource } from './model.ts';
import { routePath } from '../topology/routes.ts';

export function datasourceNotFound(datasourceId: string): NotFoundError {
  return new NotFoundError(`Datasource ${datasourceId} was not found.`);
}

/** 409 `needs_reauth`, with what to do: create a connect link and have the account owner open it. */
export function needsReauthError(ds: Pick<Datasource, 'id' | 'name' | 'statusReason'>): ConflictError {
  return new ConflictError(
    'needs_reauth',
    `Datasource ${ds.id} needs to be re-connected: TikTok no longer accepts its authorisation. Create a connect link and have the account owner open it; the datasource keeps its id and data.`,
    {
      datasourceId: ds.id,
      ...(ds.statusReason ? { reason: ds.statusReason } : {}),
      reconnect: { method: 'POST', path: routePath('createConnectLink'), body: { name: ds.name } },
    },
  );
}
