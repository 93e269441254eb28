/**
 * Token faults: many callers hitting an expired token at once, and a refresh token TikTok no longer
 * accepts. The account must end in a clear state: refreshed once and working, or `needs_reauth`
 * with its datasource, schedules and history kept, and scheduled runs failing with a clear reason
 * until the owner re-connects (which brings the same datasource back).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectAccount } from '../support/connect.ts';
import { readJson, type Json } from '../support/http.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';
import {
  callsTo,
  datasourceStatus,
  expectApiError,
  expectRows,
  expectStoredRefreshTokenWorks,
  finishedRun,
  openIdOf,
  profile,
  PROFILE_FIELDS,
} from './support.ts';

describe('token faults', () => {
  let rt: TestRuntime;

  beforeAll(async () => {
    rt = await startTestRuntime();
  });
  afterAll(async () => {
    await rt?.stop();
  });
  afterEach(() => {
    rt.sandbox!.clearFaults();
  });

  it('twelve concurrent calls on a token TikTok expired: one refresh at TikTok, every call answered', async () => {
    const ds = await connectAccount(rt, { account: 'sandbox.casual' });
    const openId = openIdOf(rt, 'sandbox.casual');
    rt.sandbox!.expireAccessTokens(openId);
    rt.sandbox!.resetCallLog();
    const answers = await Promise.all(Array.from({ length: 12 }, () => profile(rt, ds)));
    for (const res of answers) await expectRows(res, 1);
    expect(callsTo(rt, '/v2/oauth/token/').map((c) => c.status)).toEqual([200]);
    await expectStoredRefreshTokenWorks(rt, ds, openId);
  });

  it('a revoked refresh token: 409 needs_reauth; datasource and schedule kept; the run fails clearly; re-connect restores both', async () => {
    const ds = await connectAccount(rt, { account: 'sandbox.quiet', name: 'Quiet brand' });
    const openId = openIdOf(rt, 'sandbox.quiet');
    const created = await rt.api('/v1/schedules', {
      method: 'POST',
      json: { name: 'Daily quiet profile', datasourceId: ds, reportType: 'profile', fields: PROFILE_FIELDS, format: 'csv', schedule: 'rate(1 day)' },
    });
    expect(created.status).toBe(201);
    const schedule = await readJson(created);

    rt.sandbox!.revokeRefreshTokens(openId);
    rt.sandbox!.expireAccessTokens(openId);
    rt.sandbox!.resetCallLog();

    const body = await expectApiError(await profile(rt, ds), 409, 'needs_reauth');
    expect(body.error.message).toMatch(/re-?connect/i);
    expect(callsTo(rt, '/v2/oauth/token/').map((c) => c.status)).toEqual([400]);

    // Kept: the datasource (now needs_reauth, with the reason) and the schedule.
    const view = await readJson(await rt.api(`/v1/datasources/${ds}`));
    expect(view).toMatchObject({ id: ds, status: 'needs_reauth', name: 'Quiet brand' });
    expect(view.statusReason).toEqual(expect.any(String));
    expect(((await readJson(await rt.api('/v1/datasources'))).items as Json[]).map((d) => d.id)).toContain(ds);
    const kept = await rt.api(`/v1/schedules/${schedule.id}`);
    expect(kept.status).toBe(200);
    expect(await readJson(kept)).toMatchObject({ id: schedule.id, datasourceId: ds, enabled: true });

    // A run of that schedule fails, and says why; TikTok is not asked again.
    rt.sandbox!.resetCallLog();
    expect((await rt.api(`/v1/schedules/${schedule.id}/run`, { method: 'POST' })).status).toBe(202);
    const failed = await finishedRun(rt, schedule.id);
    expect(failed.status).toBe('failed');
    expect(JSON.stringify(failed.error)).toMatch(/needs_reauth|re-?connect/i);
    expect(failed.s3Key ?? null).toBeNull();
    expect(callsTo(rt, '/v2/oauth/token/')).toEqual([]);

    // The owner re-connects: same datasource id, active again, and the schedule's next run delivers.
    expect(await connectAccount(rt, { account: 'sandbox.quiet', name: 'Quiet brand' })).toBe(ds);
    expect(await datasourceStatus(rt, ds)).toBe('active');
    await expectRows(await profile(rt, ds), 1);
    expect((await rt.api(`/v1/schedules/${schedule.id}/run`, { method: 'POST' })).status).toBe(202);
    const ok = await finishedRun(rt, schedule.id, (r) => r.status === 'succeeded');
    expect(ok).toMatchObject({ status: 'succeeded', rowCount: 1 });
    expect(ok.s3Key).toEqual(expect.any(String));
  });
});
