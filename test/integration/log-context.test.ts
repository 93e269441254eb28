/**
 * In the local runtime every function shares one process and one logger, and invocations overlap:
 * each log line must still carry the Lambda context of the invocation that wrote it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';

// This test reads log lines (test/vitest.config.ts silences them elsewhere).
vi.hoisted(() => {
  process.env.LOG_LEVEL = 'INFO';
});

describe('log lines name their own function', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime();
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await rt?.stop();
  });

  it('overlapping invocations of different functions each log with their own function name and request id', async () => {
    const chunks: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      chunks.push(String(chunk));
      return write(chunk, ...(rest as []));
    });
    try {
      await Promise.all([
        rt.scheduler.fire('schedule-dispatch'),
        rt.scheduler.fire('token-refresh'),
        // HTTP invocations setting their own Lambda context in between
        ...Array.from({ length: 5 }, () => rt.api('/v1/datasources', { auth: 'tkc_nope' }).then((r) => r.text())),
      ]);
    } finally {
      spy.mockRestore();
    }
    const lines = chunks
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('{') && !l.includes('"_aws"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const dispatched = lines.find((l) => l.message === 'Schedules dispatched');
    const swept = lines.find((l) => l.message === 'Token refresh sweep finished');
    expect(dispatched).toMatchObject({ function_name: 'schedule-dispatch', function_request_id: expect.any(String) });
    expect(swept).toMatchObject({ function_name: 'token-refresh', function_request_id: expect.any(String) });
    expect(dispatched!.function_request_id).not.toBe(swept!.function_request_id);
  });
});
