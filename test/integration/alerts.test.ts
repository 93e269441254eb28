/**
 * Alerts end to end against the local runtime: create (bad conditions answer 422 with line and
 * column), evaluate now, fire once for the same rows, again when the rows change, notify a chosen
 * subscription, and the dispatcher's tick evaluating a due alert through report-generate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAccount } from '../support/connect.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';
import { startReceiver, type Receiver } from '../webhooks/receiver.ts';
import { invokeFunction } from '../../infra/local/functions.ts';

let rt: TestRuntime;
let rx: Receiver;
let offset = 0;
const clock = { now: () => Date.now() + offset };

beforeAll(async () => {
  rx = await startReceiver();
  rt = await startTestRuntime({ clock, reportQueue: { delayScale: 0 }, env: { WEBHOOK_RETRY_SCHEDULE: '0.05' } });
});
afterAll(async () => {
  await rt?.stop();
  await rx?.close();
});

describe('alerts', () => {
  let a: string;
  let b: string;
  let alertId: string;
  let subId: string;

  it('refuses bad conditions with 422 naming condition, line and column; bounds the body', async () => {
    a = await connectAccount(rt, { account: 0 });
    b = await connectAccount(rt, { account: 2 });
    const base = { name: 'Low followers', datasourceId: a, reportType: 'profile', request: { fields: 'display_name,follower_count', cloud9ql: 'select data.user.display_name as display_name, data.user.follower_count as follower_count' }, schedule: 'rate(1 hour)' };
    const bad = await rt.api('/v1/alerts', { method: 'POST', json: { ...base, condition: 'select display_name where where' } });
    expect(bad.status).toBe(422);
    const err = ((await bad.json()) as { error: { field: string; line: number; column: number } }).error;
    expect(err).toMatchObject({ field: 'condition', line: 1 });
    expect(err.column).toBeGreaterThan(1);
    const long = await rt.api('/v1/alerts', { method: 'POST', json: { ...base, condition: `select * ${' '.repeat(2001)}` } });
    expect(long.status).toBe(400);
    const badRequest = await rt.api('/v1/alerts', { method: 'POST', json: { ...base, condition: 'select *', request: { fields: 'nope' } } });
    expect(badRequest.status).toBe(400);

    const sub = await rt.api('/v1/webhooks', { method: 'POST', json: { url: rx.url('/alerts'), events: ['run.failed'] } });
    const s = (await sub.json()) as { id: string; secret: string };
    subId = s.id;
    rx.secrets.set('/alerts', [s.secret]);
    // notify names the subscription: it gets alert.triggered although its events list does not say so.
    const created = await rt.api('/v1/alerts', { method: 'POST', json: { ...base, condition: 'select display_name, follower_count where follower_count >= 0', notify: [subId] } });
    expect(created.status, await created.clone().text()).toBe(201);
    alertId = ((await created.json()) as { id: string }).id;
  });

  it('evaluate fires once for the same rows, again when they change', async () => {
    const evaluate = async () => (await (await rt.api(`/v1/alerts/${alertId}/evaluate`, { method: 'POST' })).json()) as { fired: boolean; sameAsLast?: boolean; rowCount: number; eventId?: string };
    const first = await evaluate();
    expect(first).toMatchObject({ fired: true, rowCount: 1 });
    const [hit] = await rx.waitFor((r) => r.json.type === 'alert.triggered', 'alert.triggered');
    expect(hit!.verified).toBe(true);
    expect(hit!.headers['webhook-id']).toBe(first.eventId);
    expect(hit!.json.data).toMatchObject({ alert: { id: alertId, builtin: false }, rowCount: 1 });

    expect(await evaluate()).toMatchObject({ fired: false, sameAsLast: true, rowCount: 1 });
    // Other rows: another account's profile.
    expect((await rt.api(`/v1/alerts/${alertId}`, { method: 'PATCH', json: { datasourceId: b } })).status).toBe(200);
    const third = await evaluate();
    expect(third).toMatchObject({ fired: true });
    expect(third.eventId).not.toBe(first.eventId);
    await rx.waitFor((r) => r.json.type === 'alert.triggered', 'a second alert.triggered', 2);
    const view = (await (await rt.api(`/v1/alerts/${alertId}`)).json()) as { fired: number };
    expect(view.fired).toBe(2);
  });

  it('the dispatcher tick evaluates a due alert through the report queue', async () => {
    // A changed condition forgets the last match; then the alert's next run comes due.
    expect((await rt.api(`/v1/alerts/${alertId}`, { method: 'PATCH', json: { condition: 'select display_name where follower_count >= 0' } })).status).toBe(200);
    offset += 2 * 3_600_000;
    await invokeFunction('schedule-dispatch', { time: new Date(clock.now()).toISOString() });
    await rt.reportQueue.drain();
    await rx.waitFor((r) => r.json.type === 'alert.triggered', 'a dispatched alert.triggered', 3);
    const list = (await (await rt.api('/v1/alerts')).json()) as { items: Array<{ id: string; fired: number; nextRunAt: string }> };
    expect(list.items[0]).toMatchObject({ id: alertId, fired: 3 });
    expect(Date.parse(list.items[0]!.nextRunAt)).toBeGreaterThan(clock.now());
  });
});
