/**
 * A standalone node:http server for the sandbox (tests, benchmarks). It mounts the sandbox under the
 * same prefix as the local runtime, so base URLs look the same: `http://127.0.0.1:<port>/sandbox/tiktok`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTikTokSandbox, type SandboxOptions, type TikTokSandbox } from './sandbox.ts';

export const SANDBOX_PREFIX = '/sandbox/tiktok';

export async function startSandboxServer(
  options: SandboxOptions & { port?: number },
): Promise<{ baseUrl: string; sandbox: TikTokSandbox; close(): Promise<void> }> {
  const sandbox = createTikTokSandbox(options);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    const inner = path.startsWith(`${SANDBOX_PREFIX}/`) ? path.slice(SANDBOX_PREFIX.length) : undefined;
    void Promise.resolve(inner === undefined ? false : sandbox.handle(req, res, inner)).then((handled) => {
      if (!handled && !res.headersSent) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${SANDBOX_PREFIX}`,
    sandbox,
    close: () =>
      new Promise<void>((resolve, reject) => {
        sandbox.reset(); // ends hung responses
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
