/**
 * Mounts the TikTok sandbox (shared/tiktok/sandbox) under /sandbox/tiktok when no real TikTok app
 * is configured. Its knobs come from SANDBOX_* variables (README "Configuration").
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../shared/context.ts';
import { logger } from '../../shared/logger.ts';
import { createTikTokSandbox, type SandboxTokenSnapshot, type TikTokSandbox } from '../../shared/tiktok/sandbox/index.ts';
import { tiktokSignature } from '../../shared/webhooks/tiktok.ts';

export const SANDBOX_PREFIX = '/sandbox/tiktok';

export interface MountedSandbox {
  sandbox: TikTokSandbox;
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void>;
}

const num = (v: string | undefined): number | undefined => (v === undefined || v === '' ? undefined : Number(v));

/**
 * The sandbox's grants and tokens live in `file` (DATA_DIR/sandbox.json) so a restart keeps every
 * connected account working: the tokens stored in DynamoDB must still be valid at "TikTok".
 * Written after each change (rare: connects, refreshes, revokes), atomically (tmp + rename), 0600.
 */
function loadTokens(file: string): SandboxTokenSnapshot | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { tokens?: SandboxTokenSnapshot };
    return parsed.tokens?.v === 1 ? parsed.tokens : undefined;
  } catch (error) {
    logger.warn('Sandbox state unreadable; starting without grants (re-connect the accounts)', { file, error: error as Error });
    return undefined;
  }
}

function saveTokens(file: string, tokens: SandboxTokenSnapshot): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ tokens }), { mode: 0o600 });
  renameSync(tmp, file);
}

const SANDBOX_CLIENT_SECRET = 'sandbox-client-secret';

/**
 * The "user removed the app" knob (POST /admin/remove-app {openId}): the user's tokens stop working
 * and TikTok's authorization.removed webhook is sent to `webhookUrl`, signed as TikTok signs it.
 */
async function removeApp(sandbox: TikTokSandbox, req: IncomingMessage, res: ServerResponse, webhookUrl: string | undefined, clock: Clock): Promise<void> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  const openId = (JSON.parse(text || '{}') as { openId?: unknown }).openId;
  if (typeof openId !== 'string' || !openId) {
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'openId is required' }));
    return;
  }
  sandbox.revokeRefreshTokens(openId);
  sandbox.expireAccessTokens(openId);
  let webhook: { status: number; body: string } | undefined;
  if (webhookUrl) {
    const createTime = Math.floor(clock.now() / 1000);
    const body = JSON.stringify({ client_key: 'sandbox-client-key', event: 'authorization.removed', create_time: createTime, user_openid: openId, content: JSON.stringify({ reason: 1 }) });
    const answer = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'tiktok-signature': tiktokSignature(SANDBOX_CLIENT_SECRET, createTime, body) }, body });
    webhook = { status: answer.status, body: await answer.text() };
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, webhook }));
}

export async function mountSandbox(env: NodeJS.ProcessEnv, clock: Clock, options: { persistFile?: string; webhookUrl?: string } = {}): Promise<MountedSandbox> {
  const file = options.persistFile;
  const sandbox = createTikTokSandbox({
    tokens: file ? loadTokens(file) : undefined,
    onTokensChanged: file ? (tokens) => saveTokens(file, tokens) : undefined,
    clientKey: 'sandbox-client-key',
    clientSecret: SANDBOX_CLIENT_SECRET,
    now: () => clock.now(),
    accessTokenTtlSeconds: num(env.SANDBOX_ACCESS_TOKEN_TTL_SECONDS),
    refreshTokenTtlSeconds: num(env.SANDBOX_REFRESH_TOKEN_TTL_SECONDS),
    rateLimitPerMinute: num(env.SANDBOX_RATE_LIMIT_PER_MINUTE),
    appName: 'TikTok Connector (local)',
  });
  return {
    sandbox,
    handle: async (req, res, path) => {
      if (req.method === 'POST' && path.replace(/\/+$/, '') === '/admin/remove-app') return removeApp(sandbox, req, res, options.webhookUrl, clock);
      const handled = await sandbox.handle(req, res, path);
      if (!handled && !res.headersSent) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: {}, error: { code: 'not_found', message: `No sandbox route ${path}`, log_id: 'sandbox' } }));
      }
    },
  };
}
