/**
 * Boots the local runtime for an integration test: a free port, a fresh DATA_DIR, the sandbox,
 * no background timers (tests fire schedules by hand). Use with beforeAll/afterAll.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../infra/local/runtime.ts';

export interface TestRuntime extends LocalRuntime {
  /** fetch against the runtime with the dev API key (unless `auth: false`). */
  api(pathname: string, init?: RequestInit & { auth?: boolean | string; json?: unknown }): Promise<Response>;
  /** Removes the data dir too. */
  stop(): Promise<void>;
}

export async function startTestRuntime(options: LocalRuntimeOptions & { keepDataDir?: boolean } = {}): Promise<TestRuntime> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'tkc-test-'));
  const runtime = await startLocalRuntime({ port: 0, scheduler: false, inMemory: true, ...options, dataDir });
  const api: TestRuntime['api'] = (pathname, init = {}) => {
    const { auth = true, json, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (auth) headers.set('authorization', `Bearer ${typeof auth === 'string' ? auth : runtime.apiKey}`);
    if (json !== undefined) headers.set('content-type', 'application/json');
    return fetch(`${runtime.baseUrl}${pathname}`, {
      ...rest,
      headers,
      body: json !== undefined ? JSON.stringify(json) : rest.body,
      redirect: 'manual',
    });
  };
  return {
    ...runtime,
    api,
    stop: async () => {
      await runtime.close();
      if (!options.keepDataDir && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
