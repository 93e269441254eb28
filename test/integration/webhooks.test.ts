/**
 * Webhooks end to end over real HTTP against the local runtime and its TikTok sandbox, with a local
 * receiver that verifies every signature with svix (an independent Standard Webhooks verifier):
 * connect, needs_reauth, recover, runs, retries, timeouts, dead letters, refused targets, TikTok's
 * own webhook, and the delivery latency (printed for docs/webhooks.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tiktokSignature } from '../../shared/webhooks/tiktok.ts';
import { connectAccount } from '../support/connect.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';
import { startReceiver, type Receiver } from '../webhooks/receiver.ts';

let rt: TestRuntime;
let rx: Receiver;

interface Sub {
  id: string;
  secret: string;
  status: string;
}
interface Attempt {
  eventId: string;
  type: string;
  attempt: number;
  result: string;
  status?: number;
  error?: string;
  durationMs: number;
  deadLettered?: boolean;
  at: string;
}

async function subscribe(path: string, events: string[] = ['*'], extra: Record<string, unknown> = {}): Promise<Sub> {
  const res = await rt.api('/v1/webhooks', { method: 'POST', json: { url: rx.url(path), events, ...extra } });
  expect(res.status, await res.clone().text()).toBe(201);
  const sub = (await res.json()) as Sub;
  rx.secrets.set(path, [sub.secret]);
  return sub;
}

async function deliveries(id: string): Promise<Attempt[]> {
  const res = await rt.api(`/v1/webhooks/${id}/deliveries?limit=100`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: Attempt[] }).items;
}

async function until<T>(fn: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 1_000; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const sandboxAdmin = (path: string, body: unknown) =>
  fetch(`${rt.baseUrl}/sandbox/tiktok/admin/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  rx = await startReceiver();
  rt = await startTestRuntime({
    env: { WEBHOOK_RETRY_SCHEDULE: '0.05,0.05,0.05', WEBHOOK_TIMEOUT_MS: '1000' },
    reportQueue: { delayScale: 0 },
  });
});

afterAll(async () => {
  await rt?.stop();
  await rx?.close();
});

describe('webhooks', () => {
  let all: Sub;
  let ds: string;

  it('creates a subscription: secret shown once, never listed', async () => {
    all = await subscribe('/all');
    expect(all.secret).toMatch(/^whsec_/);
    const list = (await (await rt.api('/v1/webhooks')).json()) as { items: Array<Record<string, unknown>> };
    expect(list.items).toHaveLength(1);
    expect(JSON.stringify(list)).not.toContain('whsec_');
    const get = (await (await rt.api(`/v1/webhooks/${all.id}`)).json()) as Record<string, unknown>;
    expect(get).toMatchObject({ id: all.id, status: 'active', events: ['*'], format: 'standard' });
    expect(get.secret).toBeUndefined();
  });

  it('refuses forbidden targets with 400 naming url, and bounds the request', async () => {
    for (const url of ['http://169.254.169.254/', 'http://[fe80::1]/x', 'http://[fd00:ec2::254]/', 'ftp://127.0.0.1/x']) {
      const res = await rt.api('/v1/webhooks', { method: 'POST', json: { url, events: ['*'] } });
      expect(res.status, url).toBe(400);
      expect(((await res.json()) as { error: { field: string } }).error.field).toBe('url');
    }
    const tooMany = await rt.api('/v1/webhooks', { method: 'POST', json: { url: rx.url('/x'), events: Array(21).fill('run.failed') } });
    expect(tooMany.status).toBe(400);
    const longDescription = await rt.api('/v1/webhooks', { method: 'POST', json: { url: rx.url('/x'), events: ['*'], description: 'x'.repeat(501) } });
    expect(longDescription.status).toBe(400);
    const unknownEvent = await rt.api('/v1/webhooks', { method: 'POST', json: { url: rx.url('/x'), events: ['datasource.exploded'] } });
    expect(unknownEvent.status).toBe(400);
  });

  it('connect -> datasource.connected, signed and verified', async () => {
    ds = await connectAccount(rt, { account: 0 });
    const [hit] = await rx.waitFor((r) => r.path === '/all' && r.json.type === 'datasource.connected', 'datasource.connected');
    expect(hit!.verified).toBe(true);
    expect(hit!.json.data).toMatchObject({ datasource: { id: ds } });
    expect(hit!.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{24}$/);
  });

  it('a wrong secret fails verification', async () => {
    const [hit] = rx.on('/all');
    rx.secrets.set('/other', ['whsec_' + Buffer.alloc(32, 7).toString('base64')]);
    const { Webhook } = await import('svix');
    expect(() => new Webhook(rx.secrets.get('/other')![0]!).verify(hit!.body, hit!.headers)).toThrow();
  });

  it('refresh token rejected -> datasource.needs_reauth; a run then fails -> run.failed; reconnect -> datasource.recovered', async () => {
    const account = rt.sandbox!.accounts()[0]!;
    expect((await sandboxAdmin('revoke-refresh', { openId: account.openId })).status).toBe(200);
    expect((await sandboxAdmin('expire-access', { openId: account.openId })).status).toBe(200);
    const report = await rt.api(`/v1/datasources/${ds}/reports/profile`, { method: 'POST', json: { fields: 'display_name' } });
    expect(report.status).toBe(409);
    const [reauth] = await rx.waitFor((r) => r.json.type === 'datasource.needs_reauth', 'datasource.needs_reauth');
    expect(reauth!.verified).toBe(true);
    expect(reauth!.json.data).toMatchObject({ datasource: { id: ds }, reason: expect.stringContaining('rejected the refresh token') });

    const sched = await rt.api('/v1/schedules', {
      method: 'POST',
      json: { name: 'Daily', datasourceId: ds, reportType: 'profile', fields: 'display_name,follower_count', format: 'csv', schedule: 'rate(1 day)' },
    });
    expect(sched.status).toBe(201);
    const { id: scheduleId } = (await sched.json()) as { id: string };
    expect((await rt.api(`/v1/schedules/${scheduleId}/run`, { method: 'POST' })).status).toBe(202);
    const [failed] = await rx.waitFor((r) => r.json.type === 'run.failed', 'run.failed');
    expect(failed!.json.data).toMatchObject({ schedule: { id: scheduleId, name: 'Daily' }, error: { code: 'needs_reauth' } });

    await connectAccount(rt, { account: 0 });
    const [recovered] = await rx.waitFor((r) => r.json.type === 'datasource.recovered', 'datasource.recovered');
    expect(recovered!.json.data).toMatchObject({ datasource: { id: ds } });

    // Now the run succeeds, and its downloadUrl returns the file.
    expect((await rt.api(`/v1/schedules/${scheduleId}/run`, { method: 'POST' })).status).toBe(202);
    const [ok] = await rx.waitFor((r) => r.json.type === 'run.succeeded', 'run.succeeded');
    expect(ok!.verified).toBe(true);
    const data = ok!.json.data as { downloadUrl: string; rows: number; bytes: number };
    expect(data.rows).toBe(1);
    const file = await fetch(data.downloadUrl);
    expect(file.status).toBe(200);
    const text = await file.text();
    expect(Buffer.byteLength(text)).toBe(data.bytes);
    expect(text).toContain('display_name');
  });

  it('receiver answers 500 then 200: delivered once more with the same webhook-id', async () => {
    const sub = await subscribe('/flaky', ['webhook.test']);
    rx.script.set('/flaky', (n) => (n === 1 ? 500 : 200));
    const test = (await (await rt.api(`/v1/webhooks/${sub.id}/test`, { method: 'POST' })).json()) as { eventId: string };
    const hits = await rx.waitFor((r) => r.path === '/flaky', 'two tries', 2);
    expect(hits.map((h) => h.headers['webhook-id'])).toEqual([test.eventId, test.eventId]);
    expect(hits.every((h) => h.verified)).toBe(true);
    const log = await until(async () => {
      const items = await deliveries(sub.id);
      return items.length >= 2 ? items : undefined;
    }, 'two attempts logged');
    expect(log.map((a) => [a.attempt, a.result, a.status])).toEqual([
      [2, 'succeeded', 200],
      [1, 'failed', 500],
    ]);
  });

  it('receiver hangs: the try times out and is retried', async () => {
    const sub = await subscribe('/slow', ['webhook.test']);
    rx.script.set('/slow', (n) => (n === 1 ? 'hang' : 204));
    await rt.api(`/v1/webhooks/${sub.id}/test`, { method: 'POST' });
    await rx.waitFor((r) => r.path === '/slow', 'the retry after a timeout', 2);
    const log = await until(async () => {
      const items = await deliveries(sub.id);
      return items.some((a) => a.result === 'succeeded') ? items : undefined;
    }, 'a success after the timeout');
    const first = log.find((a) => a.attempt === 1)!;
    expect(first).toMatchObject({ result: 'failed', error: expect.stringContaining('timeout') });
  });

  it('receiver down for good: every try logged, then dead-lettered; the subscription says failing', async () => {
    const sub = await subscribe('/down', ['webhook.test']);
    rx.script.set('/down', () => 503);
    await rt.api(`/v1/webhooks/${sub.id}/test`, { method: 'POST' });
    const log = await until(async () => {
      const items = await deliveries(sub.id);
      return items.some((a) => a.deadLettered) ? items : undefined;
    }, 'a dead letter');
    expect(log).toHaveLength(4); // 1 + the 3 retries of the schedule
    const t0 = Date.parse(log.at(-1)!.at);
    console.log(`[webhooks] failing receiver (503), retry schedule 0.05 s x3: ${[...log].reverse().map((a) => `try ${a.attempt} at +${Date.parse(a.at) - t0} ms (${a.durationMs} ms, ${a.status ?? a.error})`).join('; ')}`);
    expect(log[0]).toMatchObject({ attempt: 4, result: 'failed', status: 503, deadLettered: true });
    // The attempt log marks the dead letter just before the message goes to the DLQ (shared/webhooks/deliver.ts): wait for it.
    await until(async () => (rt.webhookQueue.inner.deadLetters.some((d) => d.body.includes(sub.id)) ? true : undefined), 'the message in the dead-letter queue');
    const view = (await (await rt.api(`/v1/webhooks/${sub.id}`)).json()) as { status: string; consecutiveFailures: number };
    expect(view).toMatchObject({ status: 'failing', consecutiveFailures: 4 });
  });

  it('rotate-secret: both signatures for 24 h, either secret verifies', async () => {
    const sub = await subscribe('/rotate', ['webhook.test']);
    const rotated = (await (await rt.api(`/v1/webhooks/${sub.id}/rotate-secret`, { method: 'POST' })).json()) as { secret: string };
    rx.secrets.set('/rotate', [rotated.secret]);
    await rt.api(`/v1/webhooks/${sub.id}/test`, { method: 'POST' });
    const [hit] = await rx.waitFor((r) => r.path === '/rotate', 'a rotated delivery');
    expect(hit!.verified).toBe(true);
    expect(hit!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    const { Webhook } = await import('svix');
    expect(() => new Webhook(sub.secret).verify(hit!.body, hit!.headers)).not.toThrow();
  });

  it('slack format: text and blocks, no signature', async () => {
    const res = await rt.api('/v1/webhooks', { method: 'POST', json: { url: rx.url('/slack'), events: ['webhook.test'], format: 'slack' } });
    const sub = (await res.json()) as Sub;
    await rt.api(`/v1/webhooks/${sub.id}/test`, { method: 'POST' });
    const [hit] = await rx.waitFor((r) => r.path === '/slack', 'a Slack message');
    const body = JSON.parse(hit!.body) as { text: string; blocks: Array<{ type: string }> };
    expect(body.text).toContain('Test event');
    expect(body.blocks[0]!.type).toBe('section');
    expect(hit!.headers['webhook-signature']).toBeUndefined();
  });

  it("TikTok's webhook: forged and stale signatures refused; authorization.removed revokes the datasource", async () => {
    const account = rt.sandbox!.accounts()[0]!;
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ client_key: 'sandbox-client-key', event: 'authorization.removed', create_time: now, user_openid: account.openId, content: '{"reason":1}' });
    const post = (signature: string) =>
      fetch(`${rt.baseUrl}/v1/tiktok/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'tiktok-signature': signature }, body });
    expect((await post(tiktokSignature('not-the-secret', now, body))).status).toBe(401);
    expect((await post(tiktokSignature('sandbox-client-secret', now - 3_600, body))).status).toBe(401);
    expect((await post('t=1,s=zz')).status).toBe(401);
    // Still active after the refused ones.
    expect(((await (await rt.api(`/v1/datasources/${ds}`)).json()) as { status: string }).status).toBe('active');

    // The sandbox's knob: the user removes the app; TikTok calls our webhook, signed.
    const knob = (await (await sandboxAdmin('remove-app', { openId: account.openId })).json()) as { webhook: { status: number; body: string } };
    expect(knob.webhook.status).toBe(200);
    expect(JSON.parse(knob.webhook.body)).toMatchObject({ revoked: 1 });
    const view = (await (await rt.api(`/v1/datasources/${ds}`)).json()) as { status: string; statusReason: string };
    expect(view).toMatchObject({ status: 'revoked', statusReason: expect.stringContaining('removed at TikTok') });
    const [revoked] = await rx.waitFor((r) => r.json.type === 'datasource.revoked', 'datasource.revoked');
    expect(revoked!.json.data).toMatchObject({ datasource: { id: ds }, reason: 'removed_at_tiktok' });
    expect(revoked!.verified).toBe(true);
  });

  it('delete -> datasource.revoked (reason deleted)', async () => {
    const other = await connectAccount(rt, { account: 1 });
    expect([200, 204]).toContain((await rt.api(`/v1/datasources/${other}`, { method: 'DELETE' })).status);
    const [hit] = await rx.waitFor((r) => r.json.type === 'datasource.revoked' && (r.json.data as { reason: string }).reason === 'deleted', 'revoked (deleted)');
    expect(hit!.json.data).toMatchObject({ datasource: { id: other } });
  });

  it('every signed request the receiver got verified', () => {
    const signed = rx.received.filter((r) => rx.secrets.has(r.path) && r.path !== '/other');
    expect(signed.length).toBeGreaterThan(10);
    expect(signed.filter((r) => !r.verified).map((r) => `${r.path} ${r.json.type}`)).toEqual([]);
  });

  it('latency from event to receiver over 200 events (printed)', async () => {
    const sub = await subscribe('/latency', ['webhook.test']);
    const N = 200;
    for (let i = 0; i < N; i++) expect((await rt.api(`/v1/webhooks/${sub.id}/test`, { method: 'POST' })).status).toBe(202);
    const hits = await rx.waitFor((r) => r.path === '/latency', `${N} events`, N);
    const lat = hits.map((h) => h.receivedAt - Date.parse(h.json.timestamp)).sort((a, b) => a - b);
    const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!;
    console.log(`[webhooks] event -> receiver latency over ${N} events: p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${lat.at(-1)} ms`);
    expect(hits.every((h) => h.verified)).toBe(true);
  });
});
