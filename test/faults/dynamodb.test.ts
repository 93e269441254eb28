/**
 * DynamoDB misbehaving under the report path: errors injected through the SDK middleware stack of
 * the client the handlers use (inject-aws.ts), against the real embedded store. For each: the
 * caller gets the retried success or the documented error (500 internal_error: no stack, no
 * token), and the stored refresh token still works afterwards.
 *
 * Reports keep a datasource's grant in memory for 15 s (shared/reports/grant-cache.ts), so a test
 * that needs the datasource read moves the runtime's clock past that first (`forgetGrants`).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetCaches } from '../../shared/lambda/caches.ts';
import { OffsetClock } from '../connect/offset-clock.ts';
import { connectAccount } from '../support/connect.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';
import { injectDynamoFault, type InjectedFaults } from './inject-aws.ts';
import { callsTo, datasourceStatus, expectApiError, expectRows, expectStoredRefreshTokenWorks, openIdOf, profile } from './support.ts';

/** The datasource item's key in requests (README "Data model": sk `DS#<id>`). */
const DATASOURCE_ITEM = /"sk":\{"S":"DS#/;
/** The write that stores refreshed tokens (shared/tokens/lease-store.ts saveRefreshedTokens): new tokens + lastRefreshAt, version bumped. */
const TOKEN_SAVE = /"UpdateExpression":"SET #tokens = :tokens[^"]*lastRefreshAt = :now[^"]*tokenVersion = tokenVersion \+ :one/;


describe('DynamoDB faults: reports and tokens', () => {
  const clock = new OffsetClock();
  /** Past the reports' 15 s grant cache: the next report reads the datasource item again. */
  const forgetGrants = (): void => {
    clock.offsetMs += 16_000;
  };
  let rt: TestRuntime;
  let ds: string;
  let openId: string;
  let fault: InjectedFaults | undefined;

  beforeAll(async () => {
    rt = await startTestRuntime({ clock });
    ds = await connectAccount(rt, { account: 'sandbox.casual' });
    openId = openIdOf(rt, 'sandbox.casual');
  });
  afterAll(async () => {
    await rt?.stop();
  });
  afterEach(() => {
    fault?.remove();
    fault = undefined;
  });

  it('a throttling burst on the datasource read is absorbed by the SDK retries: the report answers', async () => {
    forgetGrants();
    fault = injectDynamoFault({ command: 'GetItemCommand', match: DATASOURCE_ITEM, kind: 'throttled', count: 2 });
    await expectRows(await profile(rt, ds), 1);
    expect(fault.fired).toBe(2);
  });

  it('during a DynamoDB outage, a datasource read in the last seconds keeps serving reports (grant cache)', async () => {
    forgetGrants();
    await expectRows(await profile(rt, ds), 1);
    // The whole store is down. Every request also counts against the tenant's request limit (a
    // counter write, pk RATE#...) and takes a TikTok permit from the quota ledger (pk QUOTA#...):
    // both fail soft (the counter open, the governor to a small per-process allowance), so they are
    // split off and checked on their own.
    fault = injectDynamoFault({ kind: 'internal', count: Number.POSITIVE_INFINITY, match: /^(?![\s\S]*"(RATE|QUOTA)#)/ });
    const counter = injectDynamoFault({ kind: 'internal', count: Number.POSITIVE_INFINITY, match: /"RATE#/ });
    const ledger = injectDynamoFault({ kind: 'internal', count: Number.POSITIVE_INFINITY, match: /"QUOTA#/ });
    try {
      // A fresh governor: no permits leased before the outage.
      resetCaches('quota.governor');
      await expectRows(await profile(rt, ds), 1);
      expect(fault.seen).toBe(0);
      expect(counter.fired).toBeGreaterThan(0);
      expect(ledger.fired).toBeGreaterThan(0);
    } finally {
      counter.remove();
      ledger.remove();
    }
  });

  it('DynamoDB failing for a whole call: 500 internal_error without details; the next call works, tokens intact', async () => {
    forgetGrants();
    fault = injectDynamoFault({ command: 'GetItemCommand', match: DATASOURCE_ITEM, kind: 'internal', count: 3 });
    const body = await expectApiError(await profile(rt, ds), 500, 'internal_error');
    expect(JSON.stringify(body)).not.toMatch(/InternalServerError|Injected|dynamo/i);
    expect(fault.fired).toBe(3);
    await expectRows(await profile(rt, ds), 1);
    await expectStoredRefreshTokenWorks(rt, ds, openId);
  });

  it('a non-retryable DynamoDB error (access denied) is not retried and answers 500; tokens intact', async () => {
    forgetGrants();
    fault = injectDynamoFault({ command: 'GetItemCommand', match: DATASOURCE_ITEM, kind: 'access_denied', count: 5 });
    await expectApiError(await profile(rt, ds), 500, 'internal_error');
    expect(fault.fired).toBe(1);
    fault.remove();
    await expectStoredRefreshTokenWorks(rt, ds, openId);
  });

  it('the refreshed tokens are stored but the answer is lost: the retry hits the fence, the caller still gets the report', async () => {
    rt.sandbox!.expireAccessTokens(openId);
    rt.sandbox!.resetCallLog();
    fault = injectDynamoFault({ command: 'UpdateItemCommand', match: TOKEN_SAVE, kind: 'internal', phase: 'after-send', count: 1 });
    await expectRows(await profile(rt, ds), 1);
    expect(fault.fired).toBe(1);
    expect(callsTo(rt, '/v2/oauth/token/').map((c) => c.status)).toEqual([200]);
    fault.remove();
    await expectStoredRefreshTokenWorks(rt, ds, openId);
  });

  it('storing the refreshed tokens fails for one whole DynamoDB call: the rotated refresh token is not lost', async () => {
    rt.sandbox!.expireAccessTokens(openId);
    rt.sandbox!.resetCallLog();
    // TikTok has rotated the refresh token by the time this write runs: the new one exists only in memory.
    fault = injectDynamoFault({ command: 'UpdateItemCommand', match: TOKEN_SAVE, kind: 'internal', count: 3 });
    const res = await profile(rt, ds);
    expect([200, 500, 503]).toContain(res.status);
    expect(await res.text()).not.toMatch(/\b(act|rft)\.[A-Za-z0-9_-]{8,}/);
    expect(fault.fired).toBe(3);
    expect(callsTo(rt, '/v2/oauth/token/').map((c) => c.status)).toEqual([200]);
    fault.remove();
    expect(await datasourceStatus(rt, ds)).toBe('active');
    await expectStoredRefreshTokenWorks(rt, ds, openId);
  });
});
