/**
 * The refresh lease logic against the embedded store (dynalite): the races are played for real by
 * changing the datasource item at the moment another container would (during the TikTok call, while
 * we wait), and store failures are injected into the SDK client (test/faults/inject-aws.ts). What
 * is asserted is the outcome: the answer, the TikTok calls made and the item left in the table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { datasourceKey, tokenExpiryIndex, type DatasourceRef } from '../../shared/datasources/model.ts';
import { AppError } from '../../shared/errors.ts';
import { TikTokError, type TikTokClient, type TokenSet } from '../../shared/tiktok/index.ts';
import { createLocalKeyring } from '../../shared/tokens/local-keyring.ts';
import { createTokenService, DEFAULT_LEASE_MS, TokenRefreshBusyError, type TokenService } from '../../shared/tokens/service.ts';
import { createTokenVault, type SealedTokens, type TokenVault } from '../../shared/tokens/vault.ts';
import { awaitingTokenRefreshes } from '../../shared/tokens/refresh-scope.ts';
import { injectDynamoFault, type InjectedFaults } from '../faults/inject-aws.ts';
import { recordCommands, startTestTable, type TestTable } from '../support/dynamo.ts';

const NOW = 1_800_000_000_000;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
/** The write that stores refreshed tokens (shared/tokens/lease-store.ts saveRefreshedTokens): the fault target. */
const TOKEN_SAVE = /"UpdateExpression":"SET #tokens = :tokens/;

describe('token service lease logic', () => {
  let table: TestTable;
  let dir: string;
  let vault: TokenVault;
  let n = 0;
  let ref: DatasourceRef;
  let oldTokens: SealedTokens;
  let refreshToken: ReturnType<typeof vi.fn<(rt: string) => Promise<TokenSet>>>;
  let sleep: ReturnType<typeof vi.fn<(ms: number) => Promise<void>>>;
  let service: TokenService;
  let fault: InjectedFaults | undefined;

  const newSet: TokenSet = {
    accessToken: 'act.new-access', refreshToken: 'rft.new-refresh', openId: 'oid', scopes: ['user.info.basic'],
    accessTokenExpiresAt: NOW + 86_400_000, refreshTokenExpiresAt: NOW + 2 * 86_400_000, tokenType: 'Bearer',
  };
  const seal = (accessToken: string, refresh: string) => vault.seal(ref, { accessToken, refreshToken: refresh });
  const item = (over: Record<string, unknown> = {}) => ({
    ...datasourceKey(ref), type: 'datasource', id: ref.datasourceId, tenantId: ref.tenantId, name: 'n', status: 'active', scopes: ['user.info.basic'], openId: 'oid',
    accessTokenExpiresAt: NOW + 3_600_000, refreshTokenExpiresAt: NOW + 86_400_000, createdAt: 'c', updatedAt: 'u',
    ...tokenExpiryIndex(ref, NOW + 3_600_000), tokens: oldTokens, tokenVersion: 3, ...over,
  });
  const expired = (over: Record<string, unknown> = {}) => item({ accessTokenExpiresAt: NOW - 1, ...tokenExpiryIndex(ref, NOW - 1), ...over });
  /** Writes the datasource item as another container (or a re-connect) would. */
  const put = (it: Record<string, unknown>) => table.dynamo.send(new PutCommand({ TableName: table.tableName, Item: it }));
  const stored = async () => (await table.dynamo.send(new GetCommand({ TableName: table.tableName, Key: datasourceKey(ref), ConsistentRead: true }))).Item!;
  const storedTokens = async () => vault.open(ref, (await stored()).tokens as SealedTokens);
  /** Another container refreshed (or the owner re-connected): newer tokens, version 4, no lease. */
  const theirTokens = async (accessToken = 'act.theirs', version = 4) => {
    const { leaseOwner: _o, leaseUntil: _u, ...rest } = await stored();
    await put({ ...rest, tokens: await seal(accessToken, `rft.${accessToken}`), tokenVersion: version, accessTokenExpiresAt: NOW + 86_400_000 });
  };
  const serviceWith = (over: Partial<Parameters<typeof createTokenService>[0]> = {}) => {
    const client = { refreshToken } as unknown as TikTokClient;
    return createTokenService({
      dynamo: table.dynamo, tableName: table.tableName, now: () => NOW, vault, tiktok: async () => client, sleep, logger: silent, newOwnerId: () => 'me', maxWaitMs: 1_000, ...over,
    });
  };

  beforeAll(async () => {
    // One SDK attempt per call: one injected fault fails one call.
    table = await startTestTable({ maxAttempts: 1 });
    dir = mkdtempSync(path.join(tmpdir(), 'tkc-lease-'));
    vault = createTokenVault({ keyring: createLocalKeyring(path.join(dir, 'master.key')) });
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await table?.close();
  });

  beforeEach(async () => {
    ref = { tenantId: 'tn_a', datasourceId: `ds_${++n}` };
    oldTokens = await seal('act.old-access', 'rft.old-refresh');
    refreshToken = vi.fn(async () => newSet);
    sleep = vi.fn(async () => undefined);
    service = serviceWith();
  });
  afterEach(() => {
    fault?.remove();
    fault = undefined;
  });

  const call = () => service.withAccessToken(ref, async (at) => at);

  it('a valid token: one read, no write, no TikTok call', async () => {
    await put(item());
    const commands = recordCommands(table.dynamo);
    try {
      expect(await call()).toBe('act.old-access');
    } finally {
      commands.stop();
    }
    expect(commands.names).toEqual(['GetItemCommand']);
    expect(refreshToken).not.toHaveBeenCalled();
  });

  it('the read is strongly consistent: a token written just before is the one used', async () => {
    await put(item());
    expect(await call()).toBe('act.old-access');
    await put(item({ tokens: await seal('act.rotated', 'rft.rotated'), tokenVersion: 4 }));
    expect(await call()).toBe('act.rotated');
  });

  it('throttling on the read surfaces as the store error, without calling TikTok', async () => {
    await put(expired());
    fault = injectDynamoFault({ command: 'GetItemCommand', kind: 'throttled', count: Number.POSITIVE_INFINITY }, table.dynamo);
    await expect(call()).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect(refreshToken).not.toHaveBeenCalled();
  });

  it('refreshes under our lease, then ONE write stores both tokens, moves the expiry index and releases the lease', async () => {
    await put(expired());
    let duringCall: Record<string, unknown> | undefined;
    refreshToken.mockImplementationOnce(async () => {
      duringCall = await stored();
      return newSet;
    });
    const commands = recordCommands(table.dynamo);
    try {
      expect(await call()).toBe('act.new-access');
    } finally {
      commands.stop();
    }
    expect(refreshToken).toHaveBeenCalledWith('rft.old-refresh');
    expect(duringCall).toMatchObject({ leaseOwner: 'me', leaseUntil: NOW + DEFAULT_LEASE_MS });
    expect(commands.count('UpdateItemCommand')).toBe(2); // take the lease; store and release
    const after = await stored();
    expect(after).toMatchObject({ tokenVersion: 4, accessTokenExpiresAt: newSet.accessTokenExpiresAt, ...tokenExpiryIndex(ref, newSet.accessTokenExpiresAt) });
    expect(after).not.toHaveProperty('leaseOwner');
    expect(after).not.toHaveProperty('leaseUntil');
    expect(JSON.stringify(after)).not.toContain('new-refresh'); // sealed, never in clear
    expect(await storedTokens()).toEqual({ accessToken: 'act.new-access', refreshToken: 'rft.new-refresh' });
  });

  it("a TikTok outage after our lease was taken over: the TikTok error surfaces and the other owner's lease is left alone", async () => {
    await put(expired());
    const outage = new TikTokError({ kind: 'upstream', endpoint: '/v2/oauth/token/', tiktokCode: 'internal_error', httpStatus: 503 });
    refreshToken.mockImplementationOnce(async () => {
      await put({ ...(await stored()), leaseOwner: 'other', leaseUntil: NOW + 30_000 });
      throw outage;
    });
    await expect(call()).rejects.toBe(outage);
    expect(await stored()).toMatchObject({ status: 'active', leaseOwner: 'other', leaseUntil: NOW + 30_000, tokenVersion: 3 }); // a transient failure never changes the status
  });

  it('a lease lost during the TikTok call: the rotated tokens are still kept, fenced by version', async () => {
    await put(expired());
    refreshToken.mockImplementationOnce(async () => {
      await put({ ...(await stored()), leaseOwner: 'other', leaseUntil: NOW + 30_000 });
      return newSet;
    });
    expect(await call()).toBe('act.new-access');
    expect(await stored()).toMatchObject({ tokenVersion: 4 });
    expect(await storedTokens()).toEqual({ accessToken: 'act.new-access', refreshToken: 'rft.new-refresh' });
  });

  it('a store error while saving rotated tokens is retried, and the tokens are stored', async () => {
    await put(expired());
    fault = injectDynamoFault({ command: 'UpdateItemCommand', match: TOKEN_SAVE, kind: 'internal', count: 1 }, table.dynamo);
    expect(await call()).toBe('act.new-access');
    expect(fault.fired).toBe(1);
    expect(refreshToken).toHaveBeenCalledTimes(1);
    expect(sleep).toHaveBeenCalledTimes(1);
    expect(await storedTokens()).toEqual({ accessToken: 'act.new-access', refreshToken: 'rft.new-refresh' });
  });

  it('DynamoDB refusing the rotated tokens throughout: the error surfaces, the lease is released, and the next refresh starts from the rotated refresh token', async () => {
    await put(expired());
    fault = injectDynamoFault({ command: 'UpdateItemCommand', match: TOKEN_SAVE, kind: 'internal', count: Number.POSITIVE_INFINITY }, table.dynamo);
    await expect(call()).rejects.toMatchObject({ name: 'InternalServerError' });
    expect(fault.fired).toBe(3);
    const left = await stored();
    expect(left).toMatchObject({ tokenVersion: 3, status: 'active' });
    expect(left).not.toHaveProperty('leaseOwner');
    fault.remove();
    fault = undefined;

    refreshToken.mockResolvedValueOnce({ ...newSet, accessToken: 'act.second', refreshToken: 'rft.second' });
    expect(await call()).toBe('act.second');
    // TikTok retired rft.old-refresh at the first rotation: the second refresh used the one kept in memory.
    expect(refreshToken.mock.calls.map(([rt]) => rt)).toEqual(['rft.old-refresh', 'rft.new-refresh']);
    expect(await storedTokens()).toEqual({ accessToken: 'act.second', refreshToken: 'rft.second' });
  });

  it('newer tokens written meanwhile (e.g. a re-connect) win over ours', async () => {
    await put(expired());
    refreshToken.mockImplementationOnce(async () => {
      await theirTokens('act.reconnected', 5);
      return newSet;
    });
    expect(await call()).toBe('act.reconnected');
    expect(await stored()).toMatchObject({ tokenVersion: 5 });
    expect(await storedTokens()).toEqual({ accessToken: 'act.reconnected', refreshToken: 'rft.act.reconnected' });
  });

  it('a lease held by another container: waits (bounded backoff), re-reads and uses their tokens without calling TikTok', async () => {
    await put(expired({ leaseOwner: 'other', leaseUntil: NOW + 10_000 }));
    sleep.mockImplementationOnce(() => theirTokens());
    expect(await call()).toBe('act.theirs');
    expect(refreshToken).not.toHaveBeenCalled();
    expect(sleep).toHaveBeenCalledTimes(1);
  });

  it('a lease that is never released answers 503 token_refresh_busy after the bounded wait', async () => {
    await put(expired({ leaseOwner: 'other', leaseUntil: NOW + 10_000 }));
    const err = await call().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenRefreshBusyError);
    expect(err).toMatchObject({ kind: 'unavailable', code: 'token_refresh_busy', retryable: true, retryAfterSeconds: 5 });
    const waited = sleep.mock.calls.reduce((sum, [ms]) => sum + ms, 0);
    expect(waited).toBeGreaterThanOrEqual(1_000);
    expect(waited).toBeLessThan(3_000);
    expect(refreshToken).not.toHaveBeenCalled();
    expect(await stored()).toMatchObject({ leaseOwner: 'other', tokenVersion: 3 });
  });

  it('invalid_grant moves the datasource to needs_reauth (out of the sweep index) and answers 409 with a re-connect hint', async () => {
    await put(expired());
    refreshToken.mockRejectedValueOnce(new TikTokError({ kind: 'invalid_grant', endpoint: '/v2/oauth/token/', tiktokCode: 'invalid_grant', httpStatus: 400 }));
    const err = await call().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ kind: 'conflict', code: 'needs_reauth', details: { datasourceId: ref.datasourceId, reconnect: { method: 'POST', path: '/v1/connect-links', body: { name: 'n' } } } });
    const after = await stored();
    expect(after).toMatchObject({ status: 'needs_reauth', statusReason: expect.stringContaining('invalid_grant'), tokenVersion: 4 });
    for (const gone of ['leaseOwner', 'leaseUntil', 'gsi2pk', 'gsi2sk']) expect(after).not.toHaveProperty(gone);
    expect(await storedTokens()).toEqual({ accessToken: 'act.old-access', refreshToken: 'rft.old-refresh' }); // no tokens written
  });

  it('invalid_grant after losing the lease to a successful refresh elsewhere: their tokens are used, no needs_reauth', async () => {
    await put(expired());
    refreshToken.mockImplementationOnce(async () => {
      await theirTokens();
      throw new TikTokError({ kind: 'invalid_grant', endpoint: '/v2/oauth/token/', tiktokCode: 'invalid_grant' });
    });
    expect(await call()).toBe('act.theirs');
    expect(await stored()).toMatchObject({ status: 'active', tokenVersion: 4 });
  });

  it('needs_reauth and unknown datasources answer 409 and 404 from the read alone', async () => {
    await put(item({ status: 'needs_reauth', statusReason: 'r' }));
    const commands = recordCommands(table.dynamo);
    try {
      await expect(call()).rejects.toMatchObject({ kind: 'conflict', code: 'needs_reauth', details: { reason: 'r' } });
      ref = { ...ref, datasourceId: 'ds_unknown' };
      await expect(call()).rejects.toMatchObject({ kind: 'not_found', code: 'not_found' });
    } finally {
      commands.stop();
    }
    expect(commands.names).toEqual(['GetItemCommand', 'GetItemCommand']);
  });

  it('concurrent calls in one container share one refresh', async () => {
    await put(expired());
    const commands = recordCommands(table.dynamo);
    let results: string[];
    try {
      results = await Promise.all(Array.from({ length: 20 }, call));
    } finally {
      commands.stop();
    }
    expect(new Set(results)).toEqual(new Set(['act.new-access']));
    expect(refreshToken).toHaveBeenCalledTimes(1);
    expect(commands.count('UpdateItemCommand')).toBe(2); // one lease, one save
  });

  const timeout = () => new TikTokError({ kind: 'timeout', endpoint: '/v2/oauth/token/', tiktokCode: 'timeout' });
  const invalidGrant = () => new TikTokError({ kind: 'invalid_grant', endpoint: '/v2/oauth/token/', tiktokCode: 'invalid_grant', httpStatus: 400 });
  const uncertain = { refreshUncertainAt: NOW - 60_000, refreshUncertainCause: 'timeout' };

  it('a refresh whose answer is lost (timeout) records the unknown outcome as it gives the lease back; the status stays active', async () => {
    await put(expired());
    refreshToken.mockRejectedValueOnce(timeout());
    await expect(call()).rejects.toMatchObject({ kind: 'timeout' });
    const after = await stored();
    expect(after).toMatchObject({ status: 'active', refreshUncertainAt: NOW, refreshUncertainCause: 'timeout', tokenVersion: 3 });
    expect(after).not.toHaveProperty('leaseOwner');
  });

  it('after an unknown outcome the stored refresh token is tried once more: it works, and the stored tokens clear the mark', async () => {
    await put(expired(uncertain));
    expect(await call()).toBe('act.new-access');
    expect(refreshToken.mock.calls).toEqual([['rft.old-refresh']]);
    const after = await stored();
    expect(after).not.toHaveProperty('refreshUncertainAt');
    expect(after).not.toHaveProperty('refreshUncertainCause');
  });

  it('invalid_grant after an unknown outcome: needs_reauth, and the reason says the earlier answer was lost', async () => {
    await put(expired(uncertain));
    refreshToken.mockRejectedValueOnce(invalidGrant());
    await expect(call()).rejects.toMatchObject({ kind: 'conflict', code: 'needs_reauth' });
    expect(refreshToken).toHaveBeenCalledTimes(1);
    expect(String((await stored()).statusReason)).toMatch(/invalid_grant.*answer was lost \(timeout at \d{4}-/);
  });

  it('a lease left behind by a dead process: taken over once expired, the stored token tried; invalid_grant says the refresh was interrupted', async () => {
    await put(expired({ leaseOwner: 'dead', leaseUntil: NOW - 1 }));
    refreshToken.mockRejectedValueOnce(invalidGrant());
    await expect(call()).rejects.toMatchObject({ code: 'needs_reauth' });
    expect(String((await stored()).statusReason)).toMatch(/interrupted/);

    await put(expired({ leaseOwner: 'dead', leaseUntil: NOW - 1 }));
    expect(await call()).toBe('act.new-access'); // the dead process never reached TikTok: the retry works
    expect(await stored()).not.toHaveProperty('leaseOwner');
  });

  it('a caller that stops waiting (504) does not abandon the refresh: the invocation ends only once the rotated tokens are stored', async () => {
    await put(expired());
    let answer!: () => void;
    let asked!: () => void;
    const tiktokAsked = new Promise<void>((resolve) => (asked = resolve));
    refreshToken.mockImplementationOnce(() => {
      asked();
      return new Promise<TokenSet>((resolve) => (answer = () => resolve(newSet)));
    });
    const svc = serviceWith({ refreshWaitMs: 5, maxWaitMs: undefined });
    let callerSaw: unknown;
    const invocation = awaitingTokenRefreshes(async () => {
      callerSaw = await svc.withAccessToken(ref, async (at) => at).catch((e: unknown) => e);
      await tiktokAsked;
      answer(); // TikTok answers only after the caller gave up
      return 'answered 504';
    });
    expect(await invocation).toBe('answered 504');
    expect(callerSaw).toMatchObject({ kind: 'timeout', endpoint: '/v2/oauth/token/' });
    expect(await storedTokens()).toEqual({ accessToken: 'act.new-access', refreshToken: 'rft.new-refresh' });
  });

  it('outside a refresh scope (queue work, the sweep) a caller waits for the refresh itself', async () => {
    await put(expired());
    const svc = serviceWith({ refreshWaitMs: 0 });
    expect(await svc.withAccessToken(ref, async (at) => at)).toBe('act.new-access');
  });
});
