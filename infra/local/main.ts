/**
 * `npm start`: the whole service on a laptop. Prints the base URL and the dev API key; stops
 * cleanly on Ctrl-C / SIGTERM.
 */
import { connectDeps, createConnectLink } from '../../shared/connect/index.ts';
import { logger } from '../../shared/logger.ts';
import { PortInUseError, startLocalRuntime } from './runtime.ts';

async function main(): Promise<void> {
  // Lambda runs Node 24; on a Node 20 laptop the SDK's "Node 22 from 2027" notice is only noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let runtime;
  try {
    runtime = await startLocalRuntime({ host: process.env.HOST ?? '127.0.0.1' });
  } catch (err) {
    if (err instanceof PortInUseError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const { baseUrl, apiKey } = runtime;
  // A ready-to-open connect link for the dev tenant, made by the same domain function the API uses.
  const link = await createConnectLink(connectDeps(), { tenantId: runtime.tenantId, name: 'Local dev account' }).catch((err: unknown) => {
    logger.warn('Could not create the dev connect link', { error: err as Error });
    return undefined;
  });
  const lines = [
    '',
    `TikTok connector running at ${baseUrl}`,
    `  API base URL   ${baseUrl}/v1   (docs: ${baseUrl}/v1/openapi.json)`,
    `  Dev API key    ${apiKey}`,
    `  Data dir       ${runtime.dataDir}`,
    runtime.sandbox ? `  TikTok         built-in sandbox at ${baseUrl}/sandbox/tiktok (set TIKTOK_CLIENT_KEY/SECRET for the real one)` : '  TikTok         real app (TIKTOK_CLIENT_KEY)',
    '',
    'Connect an account:',
    ...(link ? [`  open ${link.url}   (a ready-to-open connect link, valid until ${link.expiresAt})`, '  or create one:'] : []),
    `  curl -s -X POST ${baseUrl}/v1/connect-links -H "Authorization: Bearer ${apiKey}" -H 'content-type: application/json' -d '{"name":"My account"}'`,
    '  then open the "url" it returns in a browser.',
    '',
  ];
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received, shutting down...`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  logger.error('Local runtime failed to start', { error: err as Error });
  console.error(`Local runtime failed to start: ${(err as Error).message}`);
  process.exit(1);
});
