/**
 * The schedule API over HTTP on the local runtime: create/read/list/change/delete, run history,
 * validation (each 4xx names the field), tenancy (another tenant's datasource or schedule is 404),
 * and the per-tenant limit under concurrent creates.
 */
import { newTenantKey } from '../support/tenants.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_TYPES } from '../../shared/reports/index.ts';
import { reportDefinition } from '../../shared/reports/registry.ts';
import { createSchedule, defaultScheduleServiceDeps, SCHEDULE_LIMITS, scheduleBodySchema } from '../../shared/schedules/index.ts';
import { parseOrThrow } from '../../shared/validation/index.ts';
import { connectAccount } from '../support/connect.ts';
import type { TestRuntime } from '../support/runtime.ts';
import { readJson } from '../support/http.ts';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
let rt: TestRuntime;
let ds: string;
let otherKey: string;
let otherDs: string;
const OTHER_TENANT = 'tn_schedules_other';

/** The runtime, seen by another tenant (its own API key). */
function asOther(): TestRuntime {
  return { ...rt, api: (p, init = {}) => rt.api(p, { ...init, auth: otherKey }) };
}


const valid = () => ({
  name: 'Daily profile',
  datasourceId: ds,
  reportType: 'profile',
  fields: 'display_name, follower_count',
  format: 'csv',
  schedule: 'cron(0 8 * * ? *)',
});

async function post(body: unknown, as: TestRuntime = rt) {
  const res = await as.api('/v1/schedules', { method: 'POST', json: body });
  return { status: res.status, body: await readJson(res) };
}

beforeAll(async () => {
  h = await startHarness('2032-06-01T10:00:00Z');
  rt = h.rt;
  ds = await connectAccount(rt, { account: 'sandbox.creator' });
  otherKey = await newTenantKey(OTHER_TENANT);
  otherDs = await connectAccount(asOther(), { account: 'sandbox.casual' });
});

afterAll(async () => {
  await h?.stop();
});

describe('create and read', () => {
  it('creates a schedule: 201, normalised request, only the given members, next run computed', async () => {
    const { status, body } = await post(valid());
    expect(status).toBe(201);
    expect(body).toEqual({
      id: expect.stringMatching(/^sch_[0-9a-f]{32}$/),
      name: 'Daily profile',
      datasourceId: ds,
      reportType: 'profile',
      fields: ['display_name', 'follower_count'],
      format: 'csv',
      schedule: 'cron(0 8 * * ? *)',
      timezone: 'UTC',
      enabled: true,
      nextRunAt: '2032-06-02T08:00:00.000Z',
      createdAt: '2032-06-01T10:00:00.000Z',
      updatedAt: '2032-06-01T10:00:00.000Z',
      lastRun: null,
    });
    const got = await rt.api(`/v1/schedules/${body.id}`);
    expect(got.status).toBe(200);
    expect(await readJson(got)).toEqual(body);
  });

  it('takes every report type member, a time zone and a disabled start', async () => {
    const { status, body } = await post({
      ...valid(),
      reportType: 'video-list',
      fields: ['id', 'view_count'],
      requestBody: { max_count: 20, cursor: 0 },
      allPages: true,
      maxVideos: 100,
      cloud9ql: 'select expand(data.videos)',
      format: 'json',
      schedule: 'cron(30 9 ? * MON-FRI *)',
      timezone: 'America/New_York',
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      requestBody: { max_count: 20, cursor: 0 },
      allPages: true,
      maxVideos: 100,
      cloud9ql: 'select expand(data.videos)',
      timezone: 'America/New_York',
      // 2032-06-01 is a Tuesday and 10:00 UTC is 06:00 in New York: today 09:30 EDT = 13:30 UTC.
      nextRunAt: '2032-06-01T13:30:00.000Z',
    });
    const off = await post({ ...valid(), schedule: 'rate(15 minutes)', enabled: false });
    expect(off.status).toBe(201);
    expect(off.body).toMatchObject({ enabled: false, nextRunAt: null });
  });

  it.each(REPORT_TYPES)('schedules the %s report with its documented example request', async (reportType) => {
    const example = reportDefinition(reportType).example as Record<string, unknown>;
    const { status, body } = await post({ name: `example ${reportType}`, datasourceId: ds, schedule: 'rate(1 day)', format: 'json', ...example, reportType });
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({ reportType, nextRunAt: expect.any(String) });
  });

  it('answers 401 without an API key', async () => {
    const res = await rt.api('/v1/schedules', { method: 'POST', json: valid(), auth: false });
    expect(res.status).toBe(401);
  });
});

describe('validation: 400 naming the field', () => {
  it.each([
    ['no reportType', { reportType: undefined }, 'reportType', /reportType must be one of/],
    ['an unknown reportType', { reportType: 'tweets' }, 'reportType', /reportType must be one of/],
    ['no name', { name: undefined }, 'name', /name/],
    ['a blank name', { name: '   ' }, 'name', /name must not be blank/],
    ['a long name', { name: 'x'.repeat(SCHEDULE_LIMITS.nameMaxLength + 1) }, 'name', /at most 100/],
    ['no schedule', { schedule: undefined }, 'schedule', /schedule/],
    ['rate(0 minutes)', { schedule: 'rate(0 minutes)' }, 'schedule', /positive whole number/],
    ['rate(1 minutes)', { schedule: 'rate(1 minutes)' }, 'schedule', /write rate\(1 minute\)/],
    ['rate(5 fortnights)', { schedule: 'rate(5 fortnights)' }, 'schedule', /unit 'fortnights' is unknown/],
    ['five cron fields', { schedule: 'cron(0 8 * * ?)' }, 'schedule', /six fields/],
    ['both day fields', { schedule: 'cron(0 8 1 * MON *)' }, 'schedule', /one of them must be '\?'/],
    ['a cron that never fires again', { schedule: 'cron(0 8 1 1 ? 2020)' }, 'schedule', /has no run after/],
    ['a non-string schedule', { schedule: 5 }, 'schedule', /schedule must be a string/],
    ['an unknown time zone', { timezone: 'Mars/Olympus_Mons' }, 'timezone', /not an IANA time zone/],
    ['no fields', { fields: undefined }, 'fields', /fields is required/],
    ['an unknown field', { fields: 'display_name,shoe_size' }, 'fields', /Unknown field "shoe_size"/],
    ['no format', { format: undefined }, 'format', /format is required/],
    ['an unknown format', { format: 'xml' }, 'format', /format is required: one of/],
    ['a non-boolean enabled', { enabled: 'yes' }, 'enabled', /enabled must be true or false/],
    ['a malformed datasourceId', { datasourceId: '../etc' }, 'datasourceId', /datasourceId must be a datasource id/],
    ['a long cloud9ql', { cloud9ql: 'x'.repeat(10_001) }, 'cloud9ql', /at most/],
    ['maxVideos without allPages', { reportType: 'video-list', fields: 'id', requestBody: { max_count: 10, cursor: 0 }, maxVideos: 5 }, 'maxVideos', /only with allPages/],
    ['a bad requestBody.max_count', { reportType: 'video-list', fields: 'id', requestBody: { max_count: 0, cursor: 0 } }, 'requestBody.max_count', /max_count/],
  ])('%s', async (_label, change, field, message) => {
    const { status, body } = await post({ ...valid(), ...change });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'invalid_request', field });
    expect(body.error.message).toMatch(message);
  });

  it('an unknown member is named', async () => {
    const { status, body } = await post({ ...valid(), colour: 'red' });
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/Unknown member "colour" in the schedule/);
  });

  it('an unknown datasource: 404 naming datasourceId', async () => {
    const { status, body } = await post({ ...valid(), datasourceId: 'ds_doesnotexist' });
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: 'datasource_not_found', field: 'datasourceId' });
  });

  it("another tenant's datasource: the same 404", async () => {
    const { status, body } = await post({ ...valid(), datasourceId: otherDs });
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: 'datasource_not_found', field: 'datasourceId' });
    expect(body.error.message).not.toMatch(OTHER_TENANT);
  });
});

describe('list', () => {
  it('pages through every schedule once, with nextToken', async () => {
    for (let i = 0; i < 3; i += 1) expect((await post({ ...valid(), name: `page ${i}` })).status).toBe(201);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await rt.api(`/v1/schedules?limit=2${token ? `&nextToken=${encodeURIComponent(token)}` : ''}`);
      expect(res.status).toBe(200);
      const page = await readJson(res);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((s: { id: string }) => s.id));
      token = page.nextToken;
      pages += 1;
    } while (token && pages < 50);
    const all = await readJson(await rt.api('/v1/schedules?limit=100'));
    expect(all.nextToken).toBeUndefined();
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(all.items.map((s: { id: string }) => s.id).sort());
    expect(seen.length).toBeGreaterThanOrEqual(3);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['nextToken=garbage', 'nextToken'],
  ])('rejects %s naming %s', async (query, field) => {
    const res = await rt.api(`/v1/schedules?${query}`);
    expect(res.status).toBe(400);
    expect((await readJson(res)).error.field).toBe(field);
  });
});

describe('change', () => {
  it('a rename keeps the pending next run; a new expression recomputes it from now', async () => {
    const { body: s } = await post(valid());
    const renamed = await rt.api(`/v1/schedules/${s.id}`, { method: 'PATCH', json: { name: 'Renamed' } });
    expect(renamed.status).toBe(200);
    expect(await readJson(renamed)).toMatchObject({ name: 'Renamed', nextRunAt: s.nextRunAt, fields: s.fields });
    h.clock.advance(5 * 60_000);
    const res = await rt.api(`/v1/schedules/${s.id}`, { method: 'PATCH', json: { schedule: 'rate(1 hour)' } });
    expect(res.status).toBe(200);
    const changed = await readJson(res);
    expect(changed).toMatchObject({ schedule: 'rate(1 hour)', nextRunAt: '2032-06-01T11:05:00.000Z', updatedAt: '2032-06-01T10:05:00.000Z' });
    h.clock.advance(-5 * 60_000);
  });

  it('disabling clears the next run, enabling computes it again', async () => {
    const { body: s } = await post(valid());
    const off = await readJson(await rt.api(`/v1/schedules/${s.id}`, { method: 'PATCH', json: { enabled: false } }));
    expect(off).toMatchObject({ enabled: false, nextRunAt: null });
    const on = await readJson(await rt.api(`/v1/schedules/${s.id}`, { method: 'PATCH', json: { enabled: true } }));
    expect(on).toMatchObject({ enabled: true, nextRunAt: '2032-06-02T08:00:00.000Z' });
  });

  it('validates the merged schedule as a whole', async () => {
    const { body: s } = await post({ ...valid(), cloud9ql: 'select data.user.display_name' });
    // profile fields are not video-list fields
    const typeOnly = await rt.api(`/v1/schedules/${s.id}`, { method: 'PATCH', json: { reportType: 'video-list' } });
    expect(typeOnly.status).toBe(400);
    expect((await readJson(typeOnly)).error).toMatchObject({ field: 'fields' });
    const typeAndFields = await rt.api(`/v1/schedules/${s.id}`, {
      method: 'PATCH',
      json: { reportType: 'video-list', fields: ['id'], requestBody: { max_count: 5, cursor: 0 }, cloud9ql: null },
    });
    expect(typeAndFields.status).toBe(200);
    const changed = await readJson(typeAndFields);
    expect(changed).toMatchObject({ reportType: 'video-list', fields: ['id'], requestBody: { max_count: 5, cursor: 0 } });
    expect(changed).not.toHaveProperty('cloud9ql');

    for (const [patch, field] of [
      [{ schedule: 'rate(5 minute)' }, 'schedule'],
      [{ timezone: 'Nowhere/Land' }, 'timezone'],
      [{ name: null }, 'name'],
      [{ format: 'pdf' }, 'format'],
    ] as const) {
      const res = await rt.api(`/v1/schedules/${s.id}`, { method: 'PATCH', json: patch });
      expect(res.status, JSON.stringify(patch)).toBe(400);
      expect((await readJson(res)).error.field).toBe(field);
    }
    const empty = await rt.api(`/v1/schedules/${s.id}`, { method: 'PATCH', json: {} });
    expect(empty.status).toBe(400);
    const otherDsPatch = await rt.api(`/v1/schedules/${s.id}`, { method: 'PATCH', json: { datasourceId: otherDs } });
    expect(otherDsPatch.status).toBe(404);
    expect((await readJson(otherDsPatch)).error.field).toBe('datasourceId');
    // Nothing of the rejected changes stuck.
    expect(await readJson(await rt.api(`/v1/schedules/${s.id}`))).toMatchObject(changed);
  });
});

describe('delete', () => {
  it('204, then 404 everywhere', async () => {
    const { body: s } = await post(valid());
    expect((await rt.api(`/v1/schedules/${s.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await rt.api(`/v1/schedules/${s.id}`)).status).toBe(404);
    expect((await rt.api(`/v1/schedules/${s.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await rt.api(`/v1/schedules/${s.id}/runs`)).status).toBe(404);
    expect((await rt.api(`/v1/schedules/${s.id}/run`, { method: 'POST' })).status).toBe(404);
    expect((await rt.api(`/v1/schedules/${s.id}`, { method: 'PATCH', json: { name: 'x' } })).status).toBe(404);
  });
});

describe('tenancy', () => {
  it("another tenant's schedule is 404 for every operation and absent from its list", async () => {
    const { body: s } = await post(valid());
    const other = asOther();
    const error = async (res: Response) => {
      expect(res.status).toBe(404);
      expect((await readJson(res)).error.code).toBe('schedule_not_found');
    };
    await error(await other.api(`/v1/schedules/${s.id}`));
    await error(await other.api(`/v1/schedules/${s.id}`, { method: 'PATCH', json: { name: 'mine now' } }));
    await error(await other.api(`/v1/schedules/${s.id}`, { method: 'DELETE' }));
    await error(await other.api(`/v1/schedules/${s.id}/run`, { method: 'POST' }));
    await error(await other.api(`/v1/schedules/${s.id}/runs`));
    const list = await readJson(await other.api('/v1/schedules?limit=100'));
    expect(list.items.map((x: { id: string }) => x.id)).not.toContain(s.id);
    expect(await readJson(await rt.api(`/v1/schedules/${s.id}`))).toMatchObject({ name: 'Daily profile' });
  });
});

describe('run history', () => {
  it('lists runs newest first, paged', async () => {
    const { body: s } = await post({ ...valid(), schedule: 'rate(1 day)' });
    const slots: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      h.clock.advance(1000);
      const res = await rt.api(`/v1/schedules/${s.id}/run`, { method: 'POST' });
      expect(res.status).toBe(202);
      slots.push((await readJson(res)).slot);
    }
    await rt.reportQueue.drain();
    const first = await readJson(await rt.api(`/v1/schedules/${s.id}/runs?limit=2`));
    expect(first.items.map((r: { slot: string }) => r.slot)).toEqual([slots[2], slots[1]]);
    expect(first.nextToken).toBeTruthy();
    const second = await readJson(await rt.api(`/v1/schedules/${s.id}/runs?limit=2&nextToken=${encodeURIComponent(first.nextToken)}`));
    expect(second.items.map((r: { slot: string }) => r.slot)).toEqual([slots[0]]);
    for (const r of [...first.items, ...second.items]) expect(r).toMatchObject({ status: 'succeeded', trigger: 'manual', rowCount: 1 });
  });
});

describe('the per-tenant limit', () => {
  it(`holds at ${SCHEDULE_LIMITS.maxPerTenant} under concurrent creates, and frees a place on delete`, async () => {
    const deps = defaultScheduleServiceDeps();
    const body = { ...valid(), datasourceId: otherDs, schedule: 'rate(1 day)' };
    const parsed = parseOrThrow(scheduleBodySchema(), body);
    const existing = (await readJson(await asOther().api('/v1/schedules?limit=100'))).items.length;
    for (let i = existing; i < SCHEDULE_LIMITS.maxPerTenant - 5; i += 10) {
      await Promise.all(
        Array.from({ length: Math.min(10, SCHEDULE_LIMITS.maxPerTenant - 5 - i) }, () => createSchedule(deps, OTHER_TENANT, parsed)),
      );
    }
    const burst = await Promise.all(Array.from({ length: 12 }, () => post(body, asOther())));
    expect(burst.filter((r) => r.status === 201)).toHaveLength(5);
    const refused = burst.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(7);
    for (const r of refused) expect(r).toMatchObject({ status: 409, body: { error: { code: 'schedule_limit_reached' } } });
    const first = burst.find((r) => r.status === 201)!.body.id;
    expect((await asOther().api(`/v1/schedules/${first}`, { method: 'DELETE' })).status).toBe(204);
    expect((await post(body, asOther())).status).toBe(201);
    expect((await post(body, asOther())).status).toBe(409);
  });
});

describe('OpenAPI', () => {
  it('documents every schedule route with its request schema', async () => {
    const doc = await readJson(await rt.api('/v1/openapi.json', { auth: false }));
    expect(doc.paths['/v1/schedules'].post.operationId).toBe('createSchedule');
    expect(doc.paths['/v1/schedules'].post.requestBody).toBeTruthy();
    expect(doc.paths['/v1/schedules'].get.operationId).toBe('listSchedules');
    expect(doc.paths['/v1/schedules/{id}'].patch.operationId).toBe('updateSchedule');
    expect(doc.paths['/v1/schedules/{id}/run'].post.responses['202']).toBeTruthy();
    expect(doc.paths['/v1/schedules/{id}/runs'].get.operationId).toBe('listScheduleRuns');
  });
});
