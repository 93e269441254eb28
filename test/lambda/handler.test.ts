/** eventHandler (shared/lambda/handler.ts) on a bare handler: Lambda context on log lines, metrics flushed. */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { eventHandler } from '../../shared/lambda/handler.ts';
import { createLogger } from '../../shared/logger.ts';

// This test reads log and EMF lines: both on here (test/vitest.config.ts turns them off).
vi.hoisted(() => {
  process.env.LOG_LEVEL = 'INFO';
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});


function context(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: `req-${functionName}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 1_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function captureStdout(): { lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  return {
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('eventHandler', () => {
  afterEach(() => vi.restoreAllMocks());

  it('puts the Lambda context on log lines, flushes the metrics and returns the result', async () => {
    const logger = createLogger('wrapper-test');
    const metrics = new Metrics({ namespace: 'WrapperTest', serviceName: 'wrapper-test' });
    const handler = eventHandler(
      async (event: { n: number }) => {
        logger.info('inside', { n: event.n });
        metrics.addMetric('Things', MetricUnit.Count, event.n);
        return { doubled: event.n * 2 };
      },
      { logger, metrics },
    );
    const out = captureStdout();
    expect(await handler({ n: 21 }, context('bare-fn'))).toEqual({ doubled: 42 });
    const lines = out.lines();
    expect(lines.find((l) => l.message === 'inside')).toMatchObject({ function_name: 'bare-fn', function_request_id: 'req-bare-fn', cold_start: expect.any(Boolean) });
    const emf = lines.find((l) => '_aws' in l);
    expect(emf).toMatchObject({ Things: 21, _aws: { CloudWatchMetrics: [{ Namespace: 'WrapperTest' }] } });
  });

  it('flushes metrics and rethrows when the handler throws; keys appended in one invocation do not leak into the next', async () => {
    const logger = createLogger('wrapper-test');
    const metrics = new Metrics({ namespace: 'WrapperTest', serviceName: 'wrapper-test' });
    let call = 0;
    const handler = eventHandler(
      async () => {
        call += 1;
        logger.info('call');
        if (call === 1) {
          logger.appendKeys({ leaked: 'yes' });
          metrics.addMetric('Failures', MetricUnit.Count, 1);
          throw new Error('boom');
        }
        return 'ok';
      },
      { logger, metrics },
    );
    const out = captureStdout();
    await expect(handler({}, context('thrower'))).rejects.toThrow('boom');
    expect(out.lines().find((l) => '_aws' in l)).toMatchObject({ Failures: 1 });
    await handler({}, context('thrower'));
    const second = out.lines().filter((l) => l.message === 'call')[1];
    expect(second).toBeDefined();
    expect(second).not.toHaveProperty('leaked');
  });
});
