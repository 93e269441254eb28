/**
 * The built-in `builtin.schedule_failing` alert end to end against the local runtime (docs/webhooks.md
 * "Built in"): a schedule's third failed run in a row sends exactly one signed `alert.triggered`
 * (builtin: true) naming the schedule; one or two failures send none, a success in between resets the
 * count, and a fourth failure in a row does not fire again. Runs are made to fail by refusing the
 * delivery's S3 write (AccessDenied: not retryable, so each run fails for good at once).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAILING_RUNS_THRESHOLD } from '../../shared/delivery/run-events.ts';
import { injectS3Fault } from '../faults/inject-aws.ts';
import { connectAccount } from '../support/connect.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';
import { startReceiver, type Receiver, type Received } from '../webhooks/receiver.ts';

let rt: TestRuntime;
let rx: Receiver;

beforeAll(async () => {
  rx = await startReceiver();
  rt = await startTestRuntime({ reportQueue: { delayScale: 0 }, env: { WEBHOOK_RETRY_SCHEDULE: '0.05' } });
});
afterAll(async () => {
  await rt?.stop();
  await rx?.close();
});

const PATH = '/builtin';
const ofType = (type: string) => (r: Received) => r.path === PATH && r.json.type === type;
const alerts = () => rx.received.filter(ofType('alert.triggered'));

describe('built-in alert: schedule failing runs in a row', () => {
  let scheduleId: string;
  let otherId: string;
  let runs = 0;

  async function createSchedule(name: string, ds: string): Promise<string> {
    const res = await rt.api('/v1/schedules', {
      method: 'POST',
      json: { name, datasourceId: ds, reportType: 'profile', fields: 'display_name,follower_count', format: 'csv', schedule: 'rate(1 day)' },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }

  /** One run-now of the schedule, failed (its S3 write refused) or not, carried to its end; returns its run event. */
  async function run(id: string, outcome: 'fail' | 'succeed'): Promise<Received> {
    const fault = outcome === 'fail' ? injectS3Fault({ command: 'PutObjectCommand', match: new RegExp(`/${id}/`), kind: 'access_denied', count: Number.POSITIVE_INFINITY }) : undefined;
    try {
      expect((await rt.api(`/v1/schedules/${id}/run`, { method: 'POST' })).status).toBe(202);
      await rt.reportQueue.drain();
    } finally {
      fault?.remove();
    }
    // Every event the run emitted (run.*, then any alert) is queued once the run's handler returned.
    await rt.webhookQueue.drain();
    runs += 1;
    const events = await rx.waitFor((r) => r.path === PATH && String(r.json.type).startsWith('run.'), `run event #${runs}`, runs);
    const last = events.at(-1)!;
    expect(last.json.type).toBe(outcome === 'fail' ? 'run.failed' : 'run.succeeded');
    expect((last.json.data as { schedule: { id: string } }).schedule.id).toBe(id);
    return last;
  }

  it('one or two failures in a row send no alert; a success in between resets the count', async () => {
    expect(FAILING_RUNS_THRESHOLD).toBe(3);
    const ds = await connectAccount(rt, { account: 0 });
    const sub = await rt.api('/v1/webhooks', { method: 'POST', json: { url: rx.url(PATH), events: ['run.failed', 'run.succeeded', 'alert.triggered'] } });
    expect(sub.status).toBe(201);
    rx.secrets.set(PATH, [((await sub.json()) as { secret: string }).secret]);
    scheduleId = await createSchedule('Nightly', ds);
    otherId = await createSchedule('Other', ds);

    await run(scheduleId, 'fail');
    expect(alerts()).toEqual([]);
    await run(scheduleId, 'fail');
    expect(alerts()).toEqual([]);
    await run(scheduleId, 'succeed');
    expect(alerts()).toEqual([]);
    await run(scheduleId, 'fail');
    // Another schedule's failure does not count towards this one's streak.
    await run(otherId, 'fail');
    await run(scheduleId, 'fail');
    expect(alerts()).toEqual([]);
  });

  it('the third failure in a row sends exactly one alert.triggered (builtin) naming the schedule; a fourth sends none', async () => {
    const third = await run(scheduleId, 'fail');
    const [hit] = await rx.waitFor(ofType('alert.triggered'), 'the built-in alert');
    expect(hit!.verified).toBe(true);
    expect(hit!.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{24}$/);
    const slot = (third.json.data as { slot: string }).slot;
    expect(hit!.json.data).toMatchObject({
      alert: { id: 'builtin.schedule_failing', builtin: true },
      rowCount: 1,
      rows: [{ scheduleId, name: 'Nightly', slot, error: { code: expect.any(String) } }],
    });

    await run(scheduleId, 'fail');
    expect(alerts()).toHaveLength(1);
    // The other schedule has failed once: no alert for it.
    expect(alerts().filter((r) => JSON.stringify(r.json.data).includes(otherId))).toEqual([]);
  });
});
