/**
 * The refresh lease logic against a mocked DynamoDB (aws-sdk-client-mock): the store failures and
 * races that are hard to provoke for real (lost lease, condition failures on release and save,
 * throttling, a lease held elsewhere, needs_reauth races).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient, ConditionalCheckFailedException, InternalServerError, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../shared/errors.ts';
import { TikTokError, type TikTokClient, type TokenSet } from '../../shared/tiktok/index.ts';
import { createLocalKeyring } from '../../shared/tokens/local-keyring.ts';
import { createTokenService, DEFAULT_LEASE_MS, TokenRefreshBusyError, type TokenService } from '../../shared/tokens/service.ts';
import { createTokenVault, type SealedTokens, type TokenVault } from '../../shared/tokens/vault.ts';
import { awaitingTokenRefreshes } from '../../shared/tokens/refresh-scope.ts';

const NOW = 1_800_000_000_000;
const ref = { tenantId: 'tn_a', datasourceId: 'ds_1' };
const ccf = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

const ddb = mockClient(DynamoDBDocumentClient);
const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));

describe('token service lease logic', () => {
  let dir: string;
  let vault: TokenVault;
  let oldTokens: SealedTokens;
  let refreshToken: ReturnType<typeof vi.fn<(rt: string) => Promise<TokenSet>>>;
  let sleep: ReturnType<typeof vi.fn<(ms: number) => Promise<void>>>;
  let service: TokenService;

  const item = (over: Record<string, unknown> = {}) => ({
    pk: 'TENANT#tn_a', sk: 'DS#ds_1', id: 'ds_1', tenantId: 'tn_a', name: 'n', status: 'active', scopes: ['user.info.basic'], openId: 'oid',
    accessTokenExpiresAt: NOW + 3_600_000, refreshTokenExpiresAt: NOW + 86_400_000, createdAt: 'c', updatedAt: 'u',
    tokens: oldTokens, tokenVersion: 3, ...over,
  });
  const expired = (over: Record<string, unknown> = {}) => item({ accessTokenExpiresAt: NOW - 1, ...over });
  const newSet: TokenSet = {
    accessToken: 'act.new-access', refreshToken: 'rft.new-refresh', openId: 'oid', scopes: ['user.info.basic'],
    accessTokenExpiresAt: NOW + 86_400_000, refreshTokenExpiresAt: NOW + 2 * 86_400_000, tokenType: 'Bearer',
  };
  type UpdateInput = { UpdateExpression: string; ConditionExpression?: string; ExpressionAttributeValues: Record<string, unknown> };
  type Step = 'acquire' | 'release' | 'save' | 'mark';
  const stepOf = (i: UpdateInput): Step | undefined =>
    i.UpdateExpression.startsWith('SET leaseOwner') ? 'acquire'
      : i.UpdateExpression.startsWith('REMOVE leaseOwner') ? 'release'
        : i.UpdateExpression.includes('SET #tokens') ? 'save'
          : i.UpdateExpression.includes('#status = :nr') ? 'mark' : undefined;
  /** One fake for every UpdateItem, dispatched by what the update does (unlisted steps succeed with no attributes). */
  const onUpdate = (steps: Partial<Record<Step, (i: UpdateInput) => unknown>>) =>
    ddb.on(UpdateCommand).callsFake(async (i: UpdateInput) => {
      const step = stepOf(i);
      return step && steps[step] ? steps[step]!(i) : {};
    });
  const leased = () => ({ Attributes: expired({ leaseOwner: 'me', leaseUntil: NOW + 20_000 }) });
  const stored = (i: UpdateInput) => ({ Attributes: item({ tokens: i.ExpressionAttributeValues[':tokens'], tokenVersion: 4, accessTokenExpiresAt: newSet.accessTokenExpiresAt }) });
  const fail = (): never => {
    throw ccf();
  };
  const updates = (fragment: string) => ddb.commandCalls(UpdateCommand).filter((c) => String(c.args[0].input.UpdateExpression).includes(fragment));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tkc-lease-'));
    vault = createTokenVault({ keyring: createLocalKeyring(path.join(dir, 'master.key')) });
    oldTokens = await vault.seal(ref, { accessToken: 'act.old-access', refreshToken: 'rft.old-refresh' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeEach(() => {
    ddb.reset();
    refreshToken = vi.fn(async () => newSet);
    sleep = vi.fn(async () => undefined);
    const client = { refreshToken } as unknown as TikTokClient;
    service = createTokenService({
      dynamo, tableName: 't', now: () => NOW, vault, tiktok: async () => client, sleep, logger: silent, newOwnerId: () => 'me', maxWaitMs: 1_000,
    });
  });

  const call = () => service.withAccessToken(ref, async (at) => at);

  it('a valid token: one strongly consistent GetItem, no write, no TikTok call', async () => {
    ddb.on(GetCommand).resolves({ Item: item() });
    expect(await call()).toBe('act.old-access');
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toMatchObject({ ConsistentRead: true, Key: { pk: 'TENANT#tn_a', sk: 'DS#ds_1' } });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(refreshToken).not.toHaveBeenCalled();
  });

  it('throttling on the read surfaces as the store error, without calling TikTok', async () => {
    ddb.on(GetCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    await expect(call()).rejects.toThrow(ProvisionedThroughputExceededException);
    expect(refreshToken).not.toHaveBeenCalled();
  });

  it('refreshes with the lease: conditional acquire, then ONE update storing both tokens and releasing the lease', async () => {
    ddb.on(GetCommand).resolves({ Item: expired() });
    onUpdate({ acquire: leased, save: stored });
    expect(await call()).toBe('act.new-access');
    expect(refreshToken).toHaveBeenCalledWith('rft.old-refresh');
    const [acq] = updates('SET leaseOwner');
    expect(acq!.args[0].input).toMatchObject({
      ConditionExpression: 'attribute_exists(pk) AND #status = :active AND tokenVersion = :v AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
      ExpressionAttributeValues: { ':me': 'me', ':v': 3, ':now': NOW, ':until': NOW + DEFAULT_LEASE_MS },
    });
    const saves = updates('SET #tokens');
    expect(saves).toHaveLength(1);
    const save = saves[0]!.args[0].input;
    expect(save.ConditionExpression).toBe('leaseOwner = :me AND tokenVersion = :v');
    expect(save.UpdateExpression).toContain('REMOVE leaseOwner, leaseUntil');
    expect(save.UpdateExpression).toContain('gsi2sk = :gsi2sk');
    expect(JSON.stringify(save)).not.toContain('new-refresh'); // sealed, never in clear
    expect(await vault.open(ref, save.ExpressionAttributeValues![':tokens'])).toEqual({ accessToken: 'act.new-access', refreshToken: 'rft.new-refresh' });
  });

  it('a ConditionalCheckFailed on release (lease already gone) does not hide the TikTok error', async () => {
    ddb.on(GetCommand).resolves({ Item: expired() });
    onUpdate({ acquire: leased, release: fail });
    const outage = new TikTokError({ kind: 'upstream', endpoint: '/v2/oauth/token/', tiktokCode: 'internal_error', httpStatus: 503 });
    refreshToken.mockRejectedValueOnce(outage);
    await expect(call()).rejects.toBe(outage);
    expect(updates('REMOVE leaseOwner, leaseUntil').filter((c) => c.args[0].input.ConditionExpression === 'leaseOwner = :me')).toHaveLength(1);
    expect(updates('#status = :nr')).toHaveLength(0); // a transient failure never changes the status
  });

  it('a lease lost during the TikTok call: the rotated tokens are still kept, fenced by version', async () => {
    ddb.on(GetCommand).resolves({ Item: expired() });
    onUpdate({ acquire: leased, save: (i) => (i.ConditionExpression === 'tokenVersion = :v' ? stored(i) : fail()) });
    expect(await call()).toBe('act.new-access');
    expect(updates('SET #tokens').map((c) => c.args[0].input.ConditionExpression)).toEqual(['leaseOwner = :me AND tokenVersion = :v', 'tokenVersion = :v']);
  });

  it('a store error while saving rotated tokens is retried, and the tokens are stored', async () => {
    ddb.on(GetCommand).resolves({ Item: expired() });
    let saves = 0;
    onUpdate({ acquire: leased, save: (i) => (++saves === 1 ? Promise.reject(new InternalServerError({ message: 'boom', $metadata: {} })) : stored(i)) });
    expect(await call()).toBe('act.new-access');
    expect(saves).toBe(2);
    expect(refreshToken).toHaveBeenCalledTimes(1);
    expect(sleep).toHaveBeenCalledTimes(1);
  });

  it('DynamoDB refusing the rotated tokens throughout: the error surfaces, and the next refresh starts from the rotated refresh token', async () => {
    ddb.on(GetCommand).resolves({ Item: expired() });
    const down = () => Promise.reject(new InternalServerError({ message: 'boom', $metadata: {} }));
    onUpdate({ acquire: leased, save: down });
    await expect(call()).rejects.toThrow(InternalServerError);
    expect(updates('SET #tokens')).toHaveLength(3);
    expect(updates('REMOVE leaseOwner, leaseUntil').filter((c) => c.args[0].input.ConditionExpression === 'leaseOwner = :me')).toHaveLength(1);

    ddb.reset();
    ddb.on(GetCommand).resolves({ Item: expired() });
    onUpdate({ acquire: leased, save: stored });
    refreshToken.mockResolvedValueOnce({ ...newSet, accessToken: 'act.second', refreshToken: 'rft.second' });
    expect(await call()).toBe('act.second');
    // TikTok retired rft.old-refresh at the first rotation: the second refresh used the one kept in memory.
    expect(refreshToken.mock.calls.map(([rt]) => rt)).toEqual(['rft.old-refresh', 'rft.new-refresh']);
  });

  it('newer tokens written meanwhile (e.g. a re-connect) win over ours', async () => {
    const newer = await vault.seal(ref, { accessToken: 'act.reconnected', refreshToken: 'rft.reconnected' });
    ddb.on(GetCommand).resolvesOnce({ Item: expired() }).resolves({ Item: item({ tokens: newer, tokenVersion: 5 }) });
    onUpdate({ acquire: leased, save: fail });
    expect(await call()).toBe('act.reconnected');
  });

  it('a lease held by another container: waits (bounded backoff), re-reads and uses their tokens without calling TikTok', async () => {
    const theirs = await vault.seal(ref, { accessToken: 'act.theirs', refreshToken: 'rft.theirs' });
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: expired() })
      .resolvesOnce({ Item: expired({ leaseOwner: 'other', leaseUntil: NOW + 10_000 }) })
      .resolves({ Item: item({ tokens: theirs, tokenVersion: 4 }) });
    onUpdate({ acquire: fail });
    expect(await call()).toBe('act.theirs');
    expect(refreshToken).not.toHaveBeenCalled();
    expect(sleep).toHaveBeenCalledTimes(1);
  });

  it('a lease that is never released answers 503 token_refresh_busy after the bounded wait', async () => {
    ddb.on(GetCommand).resolves({ Item: expired({ leaseOwner: 'other', leaseUntil: NOW + 10_000 }) });
    onUpdate({ acquire: fail });
    const err = await call().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenRefreshBusyError);
    expect(err).toMatchObject({ kind: 'unavailable', code: 'token_refresh_busy', retryable: true, retryAfterSeconds: 5 });
    const waited = sleep.mock.calls.reduce((sum, [ms]) => sum + ms, 0);
    expect(waited).toBeGreaterThanOrEqual(1_000);
    expect(waited).toBeLessThan(3_000);
    expect(refreshToken).not.toHaveBeenCalled();
  });

  it('invalid_grant moves the datasource to needs_reauth (out of the sweep index) and answers 409 with a re-connect hint', async () => {
    ddb.on(GetCommand).resolves({ Item: expired() });
    onUpdate({ acquire: leased });
    refreshToken.mockRejectedValueOnce(new TikTokError({ kind: 'invalid_grant', endpoint: '/v2/oauth/token/', tiktokCode: 'invalid_grant', httpStatus: 400 }));
    const err = await call().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ kind: 'conflict', code: 'needs_reauth', details: { datasourceId: 'ds_1', reconnect: { method: 'POST', path: '/v1/connect-links', body: { name: 'n' } } } });
    const [mark] = updates('#status = :nr');
    expect(mark!.args[0].input.ConditionExpression).toBe('leaseOwner = :me AND tokenVersion = :v');
    expect(mark!.args[0].input.UpdateExpression).toContain('REMOVE leaseOwner, leaseUntil, gsi2pk, gsi2sk');
    expect(updates('SET #tokens')).toHaveLength(0);
  });

  it('invalid_grant after losing the lease to a successful refresh elsewhere: their tokens are used, no needs_reauth', async () => {
    const theirs = await vault.seal(ref, { accessToken: 'act.theirs', refreshToken: 'rft.theirs' });
    ddb.on(GetCommand).resolvesOnce({ Item: expired() }).resolves({ Item: item({ tokens: theirs, tokenVersion: 4 }) });
    onUpdate({ acquire: leased, mark: fail });
    refreshToken.mockRejectedValueOnce(new TikTokError({ kind: 'invalid_grant', endpoint: '/v2/oauth/token/', tiktokCode: 'invalid_grant' }));
    expect(await call()).toBe('act.theirs');
  });

  it('needs_reauth and unknown datasources answer 409 and 404 from the read alone', async () => {
    ddb.on(GetCommand).resolvesOnce({ Item: item({ status: 'needs_reauth', statusReason: 'r' }) }).resolvesOnce({});
    await expect(call()).rejects.toMatchObject({ kind: 'conflict', code: 'needs_reauth', details: { reason: 'r' } });
    await expect(call()).rejects.toMatchObject({ kind: 'not_found', code: 'not_found' });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('concurrent calls in one container share one refresh', async () => {
    ddb.on(GetCommand).resolves({ Item: expired() });
    onUpdate({ acquire: leased, save: stored });
    const results = await Promise.all(Array.from({ length: 20 }, call));
    expect(new Set(results)).toEqual(new Set(['act.new-access']));
    expect(refreshToken).toHaveBeenCalledTimes(1);
    expect(updates('SET leaseOwner')).toHaveLength(1);
  });

  const timeout = () => new TikTokError({ kind: 'timeout', endpoint: '/v2/oauth/token/', tiktokCode: 'timeout' });
  const invalidGrant = () => new TikTokError({ kind: 'invalid_grant', endpoint: '/v2/oauth/token/', tiktokCode: 'invalid_grant', httpStatus: 400 });

  it('a refresh whose answer is lost (timeout) records the unknown outcome as it gives the lease back; the status stays active', async () => {
    ddb.on(GetCommand).resolves({ Item: expired() });
    onUpdate({ acquire: leased });
    refreshToken.mockRejectedValueOnce(timeout());
    await expect(call()).rejects.toMatchObject({ kind: 'timeout' });
    const [release] = updates('REMOVE leaseOwner, leaseUntil').filter((c) => c.args[0].input.ConditionExpression === 'leaseOwner = :me');
    expect(release!.args[0].input.UpdateExpression).toContain('SET refreshUncertainAt = :now, refreshUncertainCause = :cause');
    expect(release!.args[0].input.ExpressionAttributeValues).toMatchObject({ ':now': NOW, ':cause': 'timeout' });
    expect(updates('#status = :nr')).toHaveLength(0);
  });

  it('after an unknown outcome the stored refresh token is tried once more: it works, and the stored tokens clear the mark', async () => {
    ddb.on(GetCommand).resolves({ Item: expired({ refreshUncertainAt: NOW - 60_000, refreshUncertainCause: 'timeout' }) });
    onUpdate({ acquire: () => ({ Attributes: expired({ refreshUncertainAt: NOW - 60_000, refreshUncertainCause: 'timeout' }) }), save: stored });
    expect(await call()).toBe('act.new-access');
    expect(refreshToken.mock.calls).toEqual([['rft.old-refresh']]);
    expect(updates('SET #tokens')[0]!.args[0].input.UpdateExpression).toContain('refreshUncertainAt, refreshUncertainCause');
  });

  it('invalid_grant after an unknown outcome: needs_reauth, and the reason says the earlier answer was lost', async () => {
    ddb.on(GetCommand).resolves({ Item: expired({ refreshUncertainAt: NOW - 60_000, refreshUncertainCause: 'timeout' }) });
    onUpdate({ acquire: () => ({ Attributes: expired({ refreshUncertainAt: NOW - 60_000, refreshUncertainCause: 'timeout' }) }) });
    refreshToken.mockRejectedValueOnce(invalidGrant());
    await expect(call()).rejects.toMatchObject({ kind: 'conflict', code: 'needs_reauth' });
    expect(refreshToken).toHaveBeenCalledTimes(1);
    const reason = String(updates('#status = :nr')[0]!.args[0].input.ExpressionAttributeValues![':reason']);
    expect(reason).toMatch(/invalid_grant.*answer was lost \(timeout at \d{4}-/);
  });

  it('a lease left behind by a dead process: taken over once expired, the stored token tried; invalid_grant says the refresh was interrupted', async () => {
    ddb.on(GetCommand).resolves({ Item: expired({ leaseOwner: 'dead', leaseUntil: NOW - 1 }) });
    // ALL_OLD: the acquire sees the dead owner's lease it replaced.
    onUpdate({ acquire: () => ({ Attributes: expired({ leaseOwner: 'dead', leaseUntil: NOW - 1 }) }) });
    refreshToken.mockRejectedValueOnce(invalidGrant());
    await expect(call()).rejects.toMatchObject({ code: 'needs_reauth' });
    expect(updates('SET leaseOwner')[0]!.args[0].input.ReturnValues).toBe('ALL_OLD');
    expect(String(updates('#status = :nr')[0]!.args[0].input.ExpressionAttributeValues![':reason'])).toMatch(/interrupted/);

    ddb.reset();
    ddb.on(GetCommand).resolves({ Item: expired({ leaseOwner: 'dead', leaseUntil: NOW - 1 }) });
    onUpdate({ acquire: () => ({ Attributes: expired({ leaseOwner: 'dead', leaseUntil: NOW - 1 }) }), save: stored });
    expect(await call()).toBe('act.new-access'); // the dead process never reached TikTok: the retry works
  });

  it('a caller that stops waiting (504) does not abandon the refresh: the invocation ends only once the rotated tokens are stored', async () => {
    ddb.on(GetCommand).resolves({ Item: expired() });
    onUpdate({ acquire: leased, save: stored });
    let answer!: () => void;
    refreshToken.mockImplementationOnce(() => new Promise<TokenSet>((resolve) => (answer = () => resolve(newSet))));
    const client = { refreshToken } as unknown as TikTokClient;
    const svc = createTokenService({ dynamo, tableName: 't', now: () => NOW, vault, tiktok: async () => client, sleep, logger: silent, newOwnerId: () => 'me', refreshWaitMs: 5 });
    let callerSaw: unknown;
    const invocation = awaitingTokenRefreshes(async () => {
      callerSaw = await svc.withAccessToken(ref, async (at) => at).catch((e: unknown) => e);
      answer(); // TikTok answers only after the caller gave up
      return 'answered 504';
    });
    expect(await invocation).toBe('answered 504');
    expect(callerSaw).toMatchObject({ kind: 'timeout', endpoint: '/v2/oauth/token/' });
    expect(updates('SET #tokens')).toHaveLength(1);
  });

  it('outside a refresh scope (queue work, the sweep) a caller waits for the refresh itself', async () => {
    ddb.on(GetCommand).resolves({ Item: expired() });
    onUpdate({ acquire: leased, save: stored });
    const client = { refreshToken } as unknown as TikTokClient;
    const svc = createTokenService({ dynamo, tableName: 't', now: () => NOW, vault, tiktok: async () => client, sleep, logger: silent, newOwnerId: () => 'me', refreshWaitMs: 0 });
    expect(await svc.withAccessToken(ref, async (at) => at)).toBe('act.new-access');
  });
});
