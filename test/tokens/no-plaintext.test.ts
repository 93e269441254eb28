/**
 * Tokens, OAuth codes and the client secret never appear in clear in DynamoDB, in a log line or in
 * an HTTP answer, across a whole life cycle: connect, use, refresh (expiry and access_token_invalid),
 * sweep, needs_reauth, delete with TikTok failing.
 */
import { ScanCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { appContext } from '../../shared/context.ts';
import { getTikTokClient } from '../../shared/credentials/tiktok-app.ts';
import { keys } from '../../shared/store/table.ts';
import { tokenVault, withAccessToken } from '../../shared/tokens/index.ts';
import { OffsetClock } from '../connect/offset-clock.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';
import { consent, createLink, elementText, openLink } from '../connect/consent.ts';

// The log lines are what this test inspects: every level on (test/vitest.config.ts silences them elsewhere).
vi.hoisted(() => {
  process.env.LOG_LEVEL = 'DEBUG';
});

const TOKEN_LIKE = /\b(act|rft)\.[A-Za-z0-9_-]{8,}/;
const CLIENT_SECRET = 'sandbox-client-secret';

describe('no plaintext secrets at rest, in logs or in answers', () => {
  const clock = new OffsetClock();
  let rt: TestRuntime;
  const logs: string[] = [];
  const answers: string[] = [];
  const secrets = new Set<string>([CLIENT_SECRET]);

  beforeAll(async () => {
    const write = process.stdout.write.bind(process.stdout);
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      logs.push(String(chunk));
      return write(chunk, ...(rest as []));
    });
    rt = await startTestRuntime({ clock });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await rt?.stop();
  });

  async function answer(res: Response): Promise<string> {
    const text = await res.text();
    answers.push(`${res.status} ${JSON.stringify([...res.headers])} ${text}`);
    return text;
  }

  async function collectTokens(id: string): Promise<void> {
    const ctx = appContext();
    const item = (await ctx.dynamo.send(new GetCommand({ TableName: ctx.config.tableName, Key: keys.datasource(rt.tenantId, id) }))).Item;
    if (!item?.tokens) return;
    const t = await tokenVault().open({ tenantId: rt.tenantId, datasourceId: id }, item.tokens);
    secrets.add(t.accessToken);
    secrets.add(t.refreshToken);
  }

  it('runs a full life cycle and finds no secret anywhere', async () => {
    const accounts = rt.sandbox!.accounts();
    const ids: string[] = [];
    const callbacks: string[] = [];
    for (const account of accounts.slice(0, 2)) {
      const link = await createLink(rt, `secrets ${account.username}`);
      const opened = await openLink(link.url);
      const callbackUrl = await consent(opened, { decision: 'approve', account: account.openId });
      callbacks.push(callbackUrl);
      secrets.add(new URL(callbackUrl).searchParams.get('code')!);
      secrets.add(opened.authorizeUrl.searchParams.get('state')!);
      const page = await answer(await fetch(callbackUrl, { redirect: 'manual' }));
      ids.push(elementText(page, 'datasource-id')!);
      await collectTokens(ids.at(-1)!);
    }
    const [a, b] = ids as [string, string];
    // A replayed callback (code and state in the URL) is refused without echoing them.
    const replay = await fetch(callbacks[0]!, { redirect: 'manual' });
    expect(replay.status).toBe(400);
    await answer(replay);
    await answer(await rt.api('/v1/datasources'));

    // Refresh on expiry, and on access_token_invalid.
    clock.offsetMs += 86_400_000 + 60_000;
    const client = await getTikTokClient();
    await withAccessToken({ tenantId: rt.tenantId, datasourceId: a }, (at) => client.getUserInfo(at, ['open_id']));
    await collectTokens(a);
    rt.sandbox!.expireAccessTokens(accounts[0]!.openId);
    await withAccessToken({ tenantId: rt.tenantId, datasourceId: a }, (at) => client.getUserInfo(at, ['open_id']));
    await collectTokens(a);

    // The sweep refreshes b; then b's refresh token is revoked and the next refresh fails (needs_reauth).
    await rt.scheduler.fire('token-refresh');
    await collectTokens(b);
    rt.sandbox!.revokeRefreshTokens(accounts[1]!.openId);
    clock.offsetMs += 86_400_000 + 60_000;
    await withAccessToken({ tenantId: rt.tenantId, datasourceId: b }, async () => 'unused').catch(() => undefined);

    for (const id of ids) await answer(await rt.api(`/v1/datasources/${id}`));
    await answer(await rt.api('/v1/datasources'));
    rt.sandbox!.injectFaults({ endpoint: '/v2/oauth/revoke/', status: 500 });
    await answer(await rt.api(`/v1/datasources/${a}`, { method: 'DELETE' }));

    // At least: 2 codes, 2 states, the secret, and 2 + 2 + 2 token pairs.
    expect(secrets.size).toBeGreaterThanOrEqual(11);

    const ctx = appContext();
    const table = JSON.stringify((await ctx.dynamo.send(new ScanCommand({ TableName: ctx.config.tableName }))).Items);
    const logText = logs.join('');
    const answerText = answers.join('\n');
    expect(logText).toContain('TikTok access token refreshed'); // the spy did capture the handlers' logs
    for (const [where, text] of [['DynamoDB', table], ['logs', logText], ['answers', answerText]] as const) {
      for (const secret of secrets) expect(text.includes(secret), `${where} contains a secret (${secret.slice(0, 4)}…)`).toBe(false);
      expect(text, where).not.toMatch(TOKEN_LIKE);
    }
  });
});
