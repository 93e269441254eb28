/**
 * Mounts the TikTok sandbox (shared/tiktok/sandbox) under /sandbox/tiktok when no real TikTok app
 * is configured. Its knobs come from SANDBOX_* variables (README "Configuration").
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../shared/context.ts';
import { createTikTokSandbox, type TikTokSandbox } from '../../shared/tiktok/sandbox/index.ts';

export const SANDBOX_PREFIX = '/sandbox/tiktok';

export interface MountedSandbox {
  sandbox: TikTokSandbox;
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void>;
}

const num = (v: string | undefined): number | undefined => (v === undefined || v === '' ? undefined : Number(v));

export async function mountSandbox(env: NodeJS.ProcessEnv, clock: Clock): Promise<MountedSandbox> {
  const sandbox = createTikTokSandbox({
    clientKey: 'sandbox-client-key',
    clientSecret: 'sandbox-client-secret',
    now: () => clock.now(),
    accessTokenTtlSeconds: num(env.SANDBOX_ACCESS_TOKEN_TTL_SECONDS),
    refreshTokenTtlSeconds: num(env.SANDBOX_REFRESH_TOKEN_TTL_SECONDS),
    rateLimitPerMinute: num(env.SANDBOX_RATE_LIMIT_PER_MINUTE),
    appName: 'TikTok Connector (local)',
  });
  return {
    sandbox,
    handle: async (req, res, path) => {
      const handled = await sandbox.handle(req, res, path);
      if (!handled && !res.headersSent) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: {}, error: { code: 'not_found', message: `No sandbox route ${path}`, log_id: 'sandbox' } }));
      }
    },
  };
}
