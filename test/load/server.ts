/**
 * The system under load, in its own process (so the load generator does not share its event loop):
 * the local runtime on 127.0.0.1 only, a throw-away DATA_DIR, no background scheduler. Reports its
 * address to the parent over IPC and stops cleanly on SIGTERM or when the parent goes away.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalRuntime } from '../../infra/local/runtime.ts';
import { LOAD_HOST, type CpuReport, type LoadServerReady } from './protocol.ts';

async function main(): Promise<void> {
  if (!process.send) throw new Error('test/load/server.ts is started by test/load/harness.ts (it needs an IPC channel)');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tkc-load-'));
  const runtime = await startLocalRuntime({ host: LOAD_HOST, port: 0, scheduler: false, inMemory: true, dataDir });
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await runtime.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('disconnect', () => void stop());
  // CPU time is what a busy machine cannot distort: the harness turns it into CPU ms per request.
  process.on('message', (m: { type?: string }) => {
    if (m?.type !== 'cpu?') return;
    const usage = process.cpuUsage();
    const report: CpuReport = { type: 'cpu', userMicros: usage.user, systemMicros: usage.system };
    process.send?.(report);
  });
  const ready: LoadServerReady = { type: 'ready', baseUrl: runtime.baseUrl, apiKey: runtime.apiKey };
  process.send(ready);
}

main().catch((err: unknown) => {
  console.error(`load server failed to start: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
