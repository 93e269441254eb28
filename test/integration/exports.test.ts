/**
 * Exports over real HTTP against the local runtime and its TikTok sandbox: the 437-video account's
 * whole video list as CSV, paged across invocations (5 pages each), through a TikTok 5xx and
 * through quota waits, ending as one file behind a signed download URL. The app clock is the
 * test's: delayed queue messages (retries, quota waits) come back when the test moves it.
 */
import { request as httpRequest } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTenant, storeApiKey } from '../../shared/auth/api-keys.ts';
import { connectAccount } from '../support/connect.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';

const VIDEOS = 437;
const PAGE = 20;
const PAGES = Math.ceil(VIDEOS / PAGE); // 22

interface ExportBody {
  id: string;
  status: string;
  rows?: number;
  bytes?: number;
  error?: { code: string; message: string };
  progress: { pages: number; rows: number; waits: number; retries: number };
  downloadUrl?: string;
  expiresAt?: string;
}

let offset = 0;
const clock = { now: () => Date.now() + offset };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the export until it is finished; moves the app clock whenever only delayed messages are left. */
async function finished(rt: TestRuntime, id: string, api: TestRuntime['api'] = rt.api): Promise<ExportBody> {
  for (let i = 0; i < 1_200; i++) {
    const res = await api(`/v1/exports/${id}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as ExportBody;
    if (body.status === 'succeeded' || body.status === 'failed') return body;
    const stats = rt.reportQueue.stats();
    if (stats.delayed > 0 && stats.inFlight === 0 && stats.pending === 0) offset += 61_000;
    await sleep(25);
  }
  throw new Error(`export ${id} did not finish`);
}

const videoListCalls = (rt: TestRuntime) => rt.sandbox!.callLog().filter((c) => c.endpoint === '/v2/video/list/');

async function startExport(rt: TestRuntime, ds: string, body: Record<string, unknown>, api: TestRuntime['api'] = rt.api): Promise<ExportBody> {
  const res = await api(`/v1/datasources/${ds}/exports`, { method: 'POST', json: body });
  expect(res.status, await res.clone().text()).toBe(202);
  const created = (await res.json()) as ExportBody;
  expect(created).toMatchObject({ status: 'queued' });
  expect(created.id).toMatch(/^exp_/);
  return created;
}

const CSV_EXPORT = { reportType: 'video-list', fields: 'id,title,create_time,view_count,like_count', requestBody: { max_count: PAGE, cursor: 0 }, format: 'csv' };

function rawGet(url: string, rawPath: string): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path: rawPath, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

async function newTenantKey(tenantId: string): Promise<string> {
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } }),
  );
  const { apiKey } = await (async () => {
    const deps = { dynamo: doc, tableName: process.env.TABLE_NAME!, now: () => clock.now() };
    await ensureTenant(deps, tenantId, tenantId);
    return storeApiKey(deps, tenantId);
  })();
  doc.destroy();
  return apiKey;
}

describe('exports (5 TikTok pages per invocation)', () => {
  let rt: TestRuntime;
  let ds: string;
  let keyB: string;
  const asB: TestRuntime['api'] = (p, init = {}) => rt.api(p, { ...init, auth: keyB });

  beforeAll(async () => {
    rt = await startTestRuntime({
      clock,
      reportQueue: { delayScale: 0 },
      env: { REPORT_EXPORT_PAGES_PER_INVOCATION: '5', LOG_LEVEL: 'SILENT', TENANT_REQUESTS_PER_MINUTE: '100000' },
    });
    ds = await connectAccount(rt, { account: 'sandbox.creator' });
    keyB = await newTenantKey('tn_exports_b');
  }, 60_000);
  afterAll(async () => {
    await rt?.stop();
  });

  it('exports the 437-video list as CSV in ceil(437/20) = 22 video/list calls, split over 5 invocations, no page fetched twice', async () => {
    rt.sandbox!.resetCallLog();
    rt.reportQueue.resetStats();
    const created = await startExport(rt, ds, CSV_EXPORT);
    const done = await finished(rt, created.id);
    expect(done).toMatchObject({ status: 'succeeded', rows: VIDEOS, progress: { pages: PAGES, rows: VIDEOS, waits: 0, retries: 0 } });
    const calls = videoListCalls(rt);
    expect(calls).toHaveLength(PAGES);
    expect(calls.every((c) => c.status === 200)).toBe(true);
    // 22 pages at 5 per invocation: 5 invocations (4 continuations), each starting at its saved cursor.
    expect(rt.reportQueue.stats().received).toBe(Math.ceil(PAGES / 5));

    const file = await fetch(done.downloadUrl!);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await file.text()).split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('id,title,create_time,view_count,like_count');
    expect(lines).toHaveLength(VIDEOS + 1);
    expect(new Set(lines.slice(1).map((l) => l.split(',')[0])).size).toBe(VIDEOS);
    expect(Date.parse(done.expiresAt!) - clock.now()).toBeGreaterThan(3_500_000);
  }, 60_000);

  it('a TikTok 5xx mid-export (after its client retries) is retried from the saved page', async () => {
    rt.sandbox!.resetCallLog();
    // 7 calls answered normally, then 4 failures: the client's own 4 attempts of page 8.
    rt.sandbox!.injectFaults({ endpoint: 'video/list', count: 7 });
    rt.sandbox!.injectFaults({ endpoint: 'video/list', status: 500, count: 4 });
    const created = await startExport(rt, ds, CSV_EXPORT);
    const done = await finished(rt, created.id);
    expect(done).toMatchObject({ status: 'succeeded', rows: VIDEOS, progress: { pages: PAGES, retries: 1, waits: 0 } });
    expect(done.error).toBeUndefined();
    const calls = videoListCalls(rt);
    expect(calls.filter((c) => c.status === 500)).toHaveLength(4);
    // Pages 6 and 7 were saved when page 8 failed: every page fetched once.
    expect(calls.filter((c) => c.status === 200)).toHaveLength(PAGES);
  }, 60_000);

  it('profile and history export too; Cloud9QL runs on the full result', async () => {
    const top = await startExport(rt, ds, { ...CSV_EXPORT, format: 'json', cloud9ql: 'select expand(data.videos); select id, view_count order by view_count desc limit 3' });
    const doneTop = await finished(rt, top.id);
    expect(doneTop).toMatchObject({ status: 'succeeded', rows: 3 });
    const json = (await (await fetch(doneTop.downloadUrl!)).json()) as { rows: Array<{ view_count: number }> };
    expect(json.rows).toHaveLength(3);
    expect(json.rows[0]!.view_count).toBeGreaterThanOrEqual(json.rows[1]!.view_count);

    const profile = await finished(rt, (await startExport(rt, ds, { reportType: 'profile', fields: 'display_name,follower_count', format: 'html' })).id);
    expect(profile).toMatchObject({ status: 'succeeded', rows: 1 });
    expect((await fetch(profile.downloadUrl!)).headers.get('content-type')).toMatch(/^text\/html/);

    // Stored data only (no TikTok call): a week without snapshots is a week of nulls, not a failure.
    const history = await finished(rt, (await startExport(rt, ds, { reportType: 'history', from: '2024-06-01', to: '2024-06-07', metrics: ['follower_count'], granularity: 'day', format: 'csv' })).id);
    expect(history).toMatchObject({ status: 'succeeded', rows: 7 });
  }, 60_000);

  it('refuses a forged, moved, expired or traversing download link', async () => {
    const done = await finished(rt, (await startExport(rt, ds, { reportType: 'profile', fields: 'display_name' })).id);
    const url = new URL(done.downloadUrl!);
    const sig = url.searchParams.get('sig')!;
    const forged = new URL(url);
    forged.searchParams.set('sig', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1));
    expect((await fetch(forged)).status).toBe(403);
    const moved = new URL(url.toString().replace('/local/files/tn_', '/local/files/tn_x'));
    expect((await fetch(moved)).status).toBe(403);
    expect(await rawGet(url.toString(), `/local/files/..%2F..%2Fmaster.key?${url.searchParams}`)).toBe(403);
    // The URL parser resolves `..` first: this one is no file route at all.
    expect([403, 404]).toContain(await rawGet(url.toString(), `/local/files/../master.key?${url.searchParams}`));
    expect((await fetch(url)).status).toBe(200);
    offset += 3_601_000;
    expect((await fetch(url)).status).toBe(403);
  }, 60_000);

  it('validates the request and bounds it', async () => {
    const bad = async (body: unknown, field: string) => {
      const res = await rt.api(`/v1/datasources/${ds}/exports`, { method: 'POST', json: body });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { field: string } }).error.field).toBe(field);
    };
    await bad({ ...CSV_EXPORT, reportType: 'nope' }, 'reportType');
    await bad({ ...CSV_EXPORT, maxVideos: 100_000 }, 'maxVideos');
    await bad({ ...CSV_EXPORT, allPages: false }, 'allPages');
    await bad({ ...CSV_EXPORT, requestBody: { max_count: 21, cursor: 0 } }, 'requestBody.max_count');
    await bad({ ...CSV_EXPORT, fields: 'id,nope' }, 'fields');
    const unknown = await rt.api('/v1/exports/exp_000000000aaaaaaaaaaaaaaaa');
    expect(unknown.status).toBe(404);
  });

  it("is tenant-isolated: another tenant's export id, datasource and schedule runs answer 404", async () => {
    const done = await finished(rt, (await startExport(rt, ds, { reportType: 'profile', fields: 'display_name' })).id);
    const other = await asB(`/v1/exports/${done.id}`);
    expect(other.status).toBe(404);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('export_not_found');
    expect((await asB(`/v1/datasources/${ds}/exports`, { method: 'POST', json: { reportType: 'profile', fields: 'display_name' } })).status).toBe(404);

    // A scheduled run's file gets a download URL in the run history, for its own tenant only.
    const sched = await rt.api('/v1/schedules', {
      method: 'POST',
      json: { name: 'daily', datasourceId: ds, reportType: 'profile', fields: 'display_name,follower_count', format: 'csv', schedule: 'cron(0 8 * * ? *)', timezone: 'UTC' },
    });
    expect(sched.status).toBe(201);
    const { id: scheduleId } = (await sched.json()) as { id: string };
    expect((await rt.api(`/v1/schedules/${scheduleId}/run`, { method: 'POST' })).status).toBe(202);
    await rt.reportQueue.drain();
    const runs = (await (await rt.api(`/v1/schedules/${scheduleId}/runs`)).json()) as { items: Array<{ status: string; downloadUrl?: string; downloadExpiresAt?: string }> };
    expect(runs.items[0]).toMatchObject({ status: 'succeeded', downloadUrl: expect.stringContaining('/local/files/'), downloadExpiresAt: expect.any(String) });
    const file = await fetch(runs.items[0]!.downloadUrl!);
    expect(file.status).toBe(200);
    expect(await file.text()).toMatch(/^data\.user\.display_name,data\.user\.follower_count\r\nCora Creator,\d+\r\n$/);
    expect((await asB(`/v1/schedules/${scheduleId}/runs`)).status).toBe(404);
  }, 60_000);
});

describe('exports under a tiny TikTok quota', () => {
  let rt: TestRuntime;
  let ds: string;

  beforeAll(async () => {
    rt = await startTestRuntime({ clock, reportQueue: { delayScale: 0 }, env: { TIKTOK_QUOTA_PER_MINUTE: '10', LOG_LEVEL: 'SILENT', TENANT_REQUESTS_PER_MINUTE: '100000' } });
    ds = await connectAccount(rt, { account: 'sandbox.creator' });
  }, 60_000);
  afterAll(async () => {
    await rt?.stop();
  });

  it('waits for quota (delayed re-sends, no attempt spent) and still exports every video once', async () => {
    rt.sandbox!.resetCallLog();
    const created = await startExport(rt, ds, CSV_EXPORT);
    const done = await finished(rt, created.id);
    expect(done).toMatchObject({ status: 'succeeded', rows: VIDEOS, progress: { pages: PAGES, retries: 0 } });
    expect(done.progress.waits).toBeGreaterThan(0);
    const calls = videoListCalls(rt);
    expect(calls).toHaveLength(PAGES);
    expect(calls.every((c) => c.status === 200)).toBe(true);
  }, 120_000);
});
