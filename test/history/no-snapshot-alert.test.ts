/**
 * The built-in `builtin.no_snapshot` alert (docs/webhooks.md "Built in"): when the capture sweep
 * finds a datasource's day ended without a snapshot and gives it up, it emits one `alert.triggered`
 * with builtin: true naming the datasource and the day, for the datasource's tenant. Unit level: the
 * in-memory capture store and a webhook queue that records what is sent.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCaptureJob } from '../../shared/history/capture-job.ts';
import { memoryCaptureStore } from '../../shared/history/memory-store.ts';
import { dispatchDueCaptures } from '../../shared/history/sweep.ts';
import { eventId } from '../../shared/webhooks/events.ts';
import { overrideWebhookQueue, parseWebhookMessage, type WebhookMessage } from '../../shared/webhooks/queue.ts';
import { fakeTikTok, simClock } from './lane-support.ts';

const capacity = { quotaPerMinute: 600, backgroundShare: 0.8 };

let sent: WebhookMessage[];
beforeEach(() => {
  sent = [];
  overrideWebhookQueue({
    send: async (message) => {
      // What the queue carries must pass the consumer's own schema.
      expect(parseWebhookMessage(JSON.stringify(message))).toEqual(message);
      sent.push(message);
    },
    deadLetter: async () => undefined,
  });
});
afterEach(() => overrideWebhookQueue(undefined));

const alerts = () => sent.filter((m) => m.kind === 'event' && m.event.type === 'alert.triggered');

describe('built-in alert: no snapshot for a day', () => {
  it('a day that ended without a snapshot emits one alert.triggered (builtin) naming the datasource and the day', async () => {
    const clock = simClock('2024-06-01T20:00:00Z');
    const store = memoryCaptureStore({ now: clock.now });
    await store.due.ensure({ tenantId: 'tn_a', datasourceId: 'ds_lost' }, clock.now(), { now: true });
    // Leased and queued, but the capture never happens (the worker died with the message).
    expect((await dispatchDueCaptures({ store, capacity }, clock.now())).summary).toMatchObject({ queued: 1, daysLost: 0 });
    expect(alerts()).toEqual([]);

    clock.set('2024-06-02T00:05:00Z');
    expect((await dispatchDueCaptures({ store, capacity }, clock.now())).summary).toMatchObject({ daysLost: 1 });
    expect(alerts()).toHaveLength(1);
    const [msg] = alerts();
    expect(msg).toMatchObject({
      kind: 'event',
      tenantId: 'tn_a',
      event: {
        id: eventId('alert.triggered', 'builtin.no_snapshot', 'ds_lost', '2024-06-01'),
        type: 'alert.triggered',
        timestamp: '2024-06-02T00:05:00.000Z',
        data: {
          alert: { id: 'builtin.no_snapshot', builtin: true },
          datasourceId: 'ds_lost',
          rowCount: 1,
          rows: [{ datasourceId: 'ds_lost', day: '2024-06-01' }],
        },
      },
    });

    // The day is given up once: later sweeps do not send the alert again.
    clock.set('2024-06-02T00:10:00Z');
    await dispatchDueCaptures({ store, capacity }, clock.now());
    expect(alerts()).toHaveLength(1);
  });

  it('a captured day sends no alert; only the datasource whose day was lost is named, to its own tenant', async () => {
    const clock = simClock('2024-06-01T20:00:00Z');
    const store = memoryCaptureStore({ now: clock.now });
    const tiktok = fakeTikTok(clock, new Map([['ds_fine', { videos: 2 }], ['ds_lost', { videos: 2 }]]));
    await store.due.ensure({ tenantId: 'tn_b', datasourceId: 'ds_fine' }, clock.now(), { now: true });
    await store.due.ensure({ tenantId: 'tn_a', datasourceId: 'ds_lost' }, clock.now(), { now: true });
    const { messages } = await dispatchDueCaptures({ store, capacity }, clock.now());
    expect(messages.map((m) => m.datasourceId).sort()).toEqual(['ds_fine', 'ds_lost']);
    // ds_fine is captured; ds_lost's message is lost with its worker.
    const fine = messages.find((m) => m.datasourceId === 'ds_fine')!;
    expect(await runCaptureJob({ now: clock.now, store, source: tiktok.source, random: () => 0.5 }, fine, { deadlineMs: clock.now() + 240_000 })).toMatchObject({ kind: 'done', status: 'captured' });
    expect(store.committed.has('ds_fine|2024-06-01')).toBe(true);

    clock.set('2024-06-02T00:05:00Z');
    expect((await dispatchDueCaptures({ store, capacity }, clock.now())).summary).toMatchObject({ daysLost: 1 });
    expect(alerts().map((m) => [m.tenantId, m.event.data])).toEqual([
      ['tn_a', expect.objectContaining({ alert: expect.objectContaining({ builtin: true }), datasourceId: 'ds_lost', rows: [expect.objectContaining({ datasourceId: 'ds_lost', day: '2024-06-01' })] })],
    ]);
  });
});
