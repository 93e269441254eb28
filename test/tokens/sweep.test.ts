/**
 * The token-refresh Lambda, fired the way EventBridge fires it (the local scheduler), against the
 * runtime's DynamoDB and the TikTok sandbox.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { appContext } from '../../shared/context.ts';
import { keys } from '../../shared/store/table.ts';
import type { SweepSummary } from '../../shared/tokens/index.ts';
import { readJson } from '../support/http.ts';
import { OffsetClock } from '../connect/offset-clock.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';
import { connectThroughBrowserSteps, elementText } from '../connect/consent.ts';
import { injectDynamoFault } from '../faults/inject-aws.ts';

// This test reads the EMF lines the handler prints: metrics on here (test/vitest.config.ts turns them off).
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});

const HOUR = 3_600_000;

describe('token-refresh sweep', () => {
  const clock = new OffsetClock();
  let rt: TestRuntime;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    rt = await startTestRuntime({ clock });
    for (const username of ['sandbox.quiet', 'sandbox.casual', 'sandbox.creator']) {
      const openId = rt.sandbox!.accounts().find((a) => a.username === username)!.openId;
      const result = await connectThroughBrowserSteps(rt, username, { decision: 'approve', account: openId });
      ids[username] = elementText(result.html, 'datasource-id')!;
    }
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await rt?.stop();
  });

  /** Fires the rule and returns the handler's summary and the EMF metric lines it printed. */
  async function fire(): Promise<{ summary: SweepSummary; metrics: Record<string, number> }> {
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(String(chunk));
      return write(chunk, ...(rest as []));
    });
    try {
      const summary = (await rt.scheduler.fire('token-refresh').catch((error: unknown) => ({ error }))) as SweepSummary;
      const metrics: Record<string, number> = {};
      for (const line of lines.join('').split('\n')) {
        if (!line.includes('"_aws"')) continue;
        const emf = JSON.parse(line) as { _aws: { CloudWatchMetrics: Array<{ Namespace: string; Metrics: Array<{ Name: string }> }> } } & Record<string, number>;
        for (const group of emf._aws.CloudWatchMetrics) {
          expect(group.Namespace).toBe('TikTokConnector');
          // The quota governor publishes its own metrics (Quota*, TikTok*) on the same stream.
          for (const m of group.Metrics) if (m.Name.startsWith('TokenRefresh')) metrics[m.Name] = emf[m.Name]!;
        }
      }
      return { summary, metrics };
    } finally {
      spy.mockRestore();
    }
  }

  it('leaves tokens alone that expire after the window', async () => {
    clock.offsetMs = 0.5 * HOUR; // 1.5 h left of the 2 h lifetime
    rt.sandbox!.resetCallLog();
    const { summary, metrics } = await fire();
    expect(summary).toMatchObject({ due: 0, succeeded: 0, failed: 0, needsReauth: 0 });
    expect(metrics).toEqual({ TokenRefreshSucceeded: 0, TokenRefreshFailed: 0, TokenRefreshNeedsReauth: 0, TokenRefreshDeferred: 0 });
    expect(rt.sandbox!.callLog()).toEqual([]);
  });

  it('refreshes every due datasource; one failure or revoked account never stops the others', async () => {
    clock.offsetMs = 1.5 * HOUR; // 30 min left: inside the 60-minute window
    const creatorOpenId = rt.sandbox!.accounts().find((a) => a.username === 'sandbox.creator')!.openId;
    rt.sandbox!.revokeRefreshTokens(creatorOpenId);
    // A damaged envelope: this datasource cannot be refreshed at all.
    const ctx = appContext();
    await ctx.dynamo.send(
      new UpdateCommand({
        TableName: ctx.config.tableName,
        Key: keys.datasource(rt.tenantId, ids['sandbox.quiet']!),
        UpdateExpression: 'SET #t.ct = :ct',
        ExpressionAttributeNames: { '#t': 'tokens' },
        ExpressionAttributeValues: { ':ct': Buffer.from('tampered').toString('base64') },
      }),
    );
    const { summary, metrics } = await fire();
    expect(summary).toMatchObject({ due: 3, succeeded: 1, needsReauth: 1, failed: 1, skipped: 0 });
    expect(summary.failures).toEqual([{ datasourceId: ids['sandbox.quiet'], tenantId: rt.tenantId, code: 'internal_error' }]);
    expect(metrics).toEqual({ TokenRefreshSucceeded: 1, TokenRefreshFailed: 1, TokenRefreshNeedsReauth: 1, TokenRefreshDeferred: 0 });

    const status = async (u: string) => (await readJson(await rt.api(`/v1/datasources/${ids[u]}`))) as { status: string; lastRefreshAt: string | null };
    expect((await status('sandbox.casual')).lastRefreshAt).not.toBeNull();
    expect((await status('sandbox.creator')).status).toBe('needs_reauth');
    expect((await status('sandbox.quiet')).status).toBe('active'); // a failure is not a verdict

    // Next run: the refreshed one moved out of the window, the needs_reauth one left the index.
    const second = await fire();
    expect(second.summary).toMatchObject({ due: 1, failed: 1, succeeded: 0 });
  });

  it('a TikTok outage fails the refresh without changing the datasource', async () => {
    clock.offsetMs = 3 * HOUR; // casual (refreshed at 1.5 h for 2 h) is due again
    rt.sandbox!.injectFaults({ endpoint: '/v2/oauth/token/', status: 503, count: 10 });
    const { summary } = await fire();
    rt.sandbox!.clearFaults();
    expect(summary.failures).toContainEqual({ datasourceId: ids['sandbox.casual'], tenantId: rt.tenantId, code: 'tiktok_upstream' });
    expect((await readJson(await rt.api(`/v1/datasources/${ids['sandbox.casual']}`))).status).toBe('active');
    const after = await fire();
    expect(after.summary.succeeded).toBe(1);
  });

  it('a sweep that cannot even read its index (store down) still publishes TokenRefreshFailed, so the alarm fires', async () => {
    const fault = injectDynamoFault({ command: 'QueryCommand', match: /TOKENEXP/, kind: 'access_denied', count: Infinity });
    try {
      const { summary, metrics } = await fire();
      expect(summary).toMatchObject({ error: expect.any(Error) });
      expect(fault.fired).toBeGreaterThan(0);
      expect(metrics).toMatchObject({ TokenRefreshFailed: 1, TokenRefreshSweepFailed: 1 });
    } finally {
      fault.remove();
    }
  });
});
