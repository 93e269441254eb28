/** The token service the handlers use: wired from appContext, the configured vault and the app's TikTok client. */
import { appContext, tableAccess, type AppContext } from '../context.ts';
import { getTikTokClient } from '../credentials/tiktok-app.ts';
import type { Datasource, DatasourceRef } from '../datasources/model.ts';
import { tokenVault } from './default-vault.ts';
import { createTokenService, type TokenService } from './service.ts';
import { emitDatasourceEvent } from '../webhooks/emit.ts';

// One service (and one in-flight map) per app context: a test that swaps the context gets a fresh one.
const services = new WeakMap<AppContext, TokenService>();

export function tokenService(): TokenService {
  const ctx = appContext();
  let service = services.get(ctx);
  if (!service) {
    const { timeoutMs, tokenTimeoutMs } = ctx.config.tiktok;
    service = createTokenService({
      ...tableAccess(),
      vault: tokenVault(),
      tiktok: getTikTokClient,
      // An API caller waits for a refresh as long as for any TikTok call; the refresh itself may take the
      // token endpoint's whole timeout, and the lease outlasts it so nobody else refreshes meanwhile.
      refreshWaitMs: timeoutMs,
      leaseMs: tokenTimeoutMs + 10_000,
      // The token version makes the event id: one needs_reauth per rejected token, however many callers saw it.
      onNeedsReauth: (record, reason) =>
        emitDatasourceEvent('datasource.needs_reauth', record.tenantId, record, [record.tokenVersion], { reason }, ctx.clock.now()),
    });
    services.set(ctx, service);
  }
  return service;
}

/** See TokenService.withAccessToken. */
export function withAccessToken<T>(ref: DatasourceRef, fn: (accessToken: string, datasource: Datasource) => Promise<T>): Promise<T> {
  return tokenService().withAccessToken(ref, fn);
}

/** See TokenService.getAccessToken. */
export function getAccessToken(ref: DatasourceRef): Promise<{ accessToken: string; datasource: Datasource }> {
  return tokenService().getAccessToken(ref);
}
