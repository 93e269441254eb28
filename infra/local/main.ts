/**
 * `npm start`: the whole service on a laptop. Prints the base URL, the dev API key and how to connect
 * an account (infra/local/banner.ts); stops cleanly on Ctrl-C / SIGTERM.
 */
import { logger } from '../../shared/logger.ts';
import { startupBanner } from './banner.ts';
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
  const { lines } = await startupBanner(runtime);
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
