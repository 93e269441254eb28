/**
 * The local runtime: what `npm start` runs and what integration tests boot on a free port.
 * One HTTP server (API routes + the TikTok sandbox under /sandbox/tiktok), embedded DynamoDB and
 * S3 persisted under DATA_DIR, and an in-process scheduler, all wired through the same env
 * contract the Lambdas use in AWS.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { chmodSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { overrideAppContext, resetAppContext, systemClock, type Clock } from '../../shared/context.ts';
import { resetCaches } from '../../shared/lambda/caches.ts';
import { logger } from '../../shared/logger.ts';
import { ensureTable, startLocalDynamo, type LocalDynamo } from './dynamodb.ts';
import { devApiKey, LOCAL_TENANT_ID, seedDevTenant } from './dev-tenant.ts';
import { handleApiRequest } from './gateway.ts';
import { invocationStore, invokeFunction } from './functions.ts';
import { createLocalReportQueue, type LocalQueueOptions, type LocalReportQueue, type QueueConsumer } from './queue.ts';
import { overrideReportQueue } from '../../shared/queue/index.ts';
import { overrideCaptureQueue } from '../../shared/queue/capture.ts';
import { createLocalCaptureQueue, type LocalCaptureQueue } from './capture-queue.ts';
import { startLocalS3, type LocalS3 } from './s3.ts';
import { createLocalWebhookQueue, type LocalWebhookQueue } from './webhook-queue.ts';
import { overrideWebhookQueue } from '../../shared/webhooks/queue.ts';
import { serveLocalFile } from './files.ts';
import { LOCAL_FILES_PREFIX } from '../../shared/exports/download.ts';
import { startLocalScheduler, type LocalScheduler } from './scheduler.ts';
import { mountSandbox, SANDBOX_PREFIX, type MountedSandbox } from './sandbox.ts';
import { routePath } from '../../shared/topology/routes.ts';

export interface LocalRuntimeOptions {
  /** 0 = any free port. Default: PORT or 3000. */
  port?: number;
  host?: string;
  dataDir?: string;
  /** Extra/overriding environment for the handlers (the env contract). */
  env?: Record<string, string>;
  clock?: Clock;
  /** Run the schedule table on its local timers (default true; tests fire rules by hand). */
  scheduler?: boolean;
  /** Keep DynamoDB in memory instead of DATA_DIR (faster tests that do not test persistence). */
  inMemory?: boolean;
  /** The in-process report queue (concurrency, retries, delay scale; tests use delayScale 0). */
  reportQueue?: LocalQueueOptions;
  /** The in-process capture queue (daily snapshots, the background lane); delayScale defaults to the report queue's. */
  captureQueue?: LocalQueueOptions;
  /** The in-process webhook queue (deliveries and their retries). */
  webhookQueue?: LocalQueueOptions;
}

export interface LocalRuntime {
  baseUrl: string;
  port: number;
  dataDir: string;
  apiKey: string;
  tenantId: string;
  /** The built-in TikTok sandbox, when no real TikTok app is configured. */
  sandbox?: MountedSandbox['sandbox'];
  scheduler: LocalScheduler;
  /** The in-process report queue report-generate consumes (stats, dead letters, drain). */
  reportQueue: LocalReportQueue;
  /** The in-process capture queue history-capture consumes. */
  captureQueue: LocalCaptureQueue;
  /** The in-process webhook queue webhook-deliver consumes (docs/webhooks.md). */
  webhookQueue: LocalWebhookQueue;
  close(): Promise<void>;
}

export class PortInUseError extends Error {
  constructor(port: number) {
    super(`Port ${port} is already in use: stop the other process or choose another port, e.g. PORT=${port + 1} npm start`);
    this.name = 'PortInUseError';
  }
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const env = { ...process.env, ...options.env };
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? Number(env.PORT ?? 3000);
  const dataDir = path.resolve(options.dataDir ?? env.DATA_DIR ?? '.data');
  // Tokens, keys and report files live here: owner-only, also when the directory already existed.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  mkdirSync(path.join(dataDir, 's3'), { recursive: true, mode: 0o700 });

  // The HTTP server first: a taken port should fail fast, before anything else starts.
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.writeHead(503).end();
  };
  const server = createServer((req, res) => handler(req, res));
  server.keepAliveTimeout = 5_000;
  server.listen(requestedPort, host);
  try {
    await Promise.race([once(server, 'listening'), once(server, 'error').then(([err]) => Promise.reject(err))]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(requestedPort);
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  const publicBaseUrl = (env.PUBLIC_BASE_URL ?? (options.port === 0 || !env.PUBLIC_BASE_URL ? baseUrl : undefined))!.replace(/\/+$/, '');

  let dynamo: LocalDynamo | undefined;
  let s3: LocalS3 | undefined;
  try {
    dynamo = await startLocalDynamo(options.inMemory ? undefined : path.join(dataDir, 'dynamodb'));
    const tableName = env.TABLE_NAME ?? 'tiktok-connector';
    const bucketName = env.BUCKET_NAME ?? 'tiktok-connector-deliveries';
    s3 = await startLocalS3(path.join(dataDir, 's3'), bucketName);

    const useSandbox = !env.TIKTOK_CLIENT_KEY;
    // Before the variable below is set: Powertools needs the per-invocation store once it is (functions.ts).
    await invocationStore();
    const handlerEnv: Record<string, string> = {
      STAGE: 'local',
      // Handlers overlap in this one process: per-invocation Powertools state, as on a multi-concurrency Lambda.
      AWS_LAMBDA_MAX_CONCURRENCY: '64',
      AWS_REGION: env.AWS_REGION ?? 'us-east-1',
      // The SDK wants credentials even for local endpoints; these never leave the machine. s3rver
      // accepts only its built-in S3RVER/S3RVER pair (anything else: 403 InvalidAccessKeyId); dynalite accepts any.
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      TABLE_NAME: tableName,
      BUCKET_NAME: bucketName,
      // The lake as plain files under DATA_DIR/lake/ (npm run lake reads them with DuckDB).
      LAKE_DIR: env.LAKE_DIR ?? dataDir,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      S3_ENDPOINT: s3.endpoint,
      PUBLIC_BASE_URL: publicBaseUrl,
      TOKEN_KEYRING: 'local',
      MASTER_KEY_FILE: path.join(dataDir, 'master.key'),
      // Download links of delivered files are signed with this key and served below (infra/local/files.ts).
      LOCAL_FILES_KEY_FILE: path.join(dataDir, 'download-signing.key'),
      ...(useSandbox
        ? {
            TIKTOK_CLIENT_KEY: 'sandbox-client-key',
            TIKTOK_CLIENT_SECRET: 'sandbox-client-secret',
            // The browser follows the authorize URL (public address); handlers call the API over loopback.
            TIKTOK_AUTH_BASE_URL: `${publicBaseUrl}${SANDBOX_PREFIX}`,
            TIKTOK_API_BASE_URL: `${baseUrl}${SANDBOX_PREFIX}`,
          }
        : {}),
    };
    for (const [k, v] of Object.entries(env)) if (v !== undefined && !(k in handlerEnv) && /^(TIKTOK_|PKCE_|LOG_LEVEL|MAX_BODY_BYTES|SANDBOX_|REPORT_|WEBHOOK_|TENANT_REQUESTS_PER_MINUTE$)/.test(k)) handlerEnv[k] = v;
    // Handlers read the env contract from process.env, as in Lambda. Remember what was there so
    // close() restores it: a second runtime in the same process must see the caller's env, not ours.
    const previousEnv = Object.fromEntries(Object.keys(handlerEnv).map((k) => [k, process.env[k]]));
    Object.assign(process.env, handlerEnv);
    resetAppContext();
    resetCaches();
    const clock = options.clock ?? systemClock;
    overrideAppContext({ clock });

    const rawClient = new DynamoDBClient({ region: handlerEnv.AWS_REGION, endpoint: dynamo.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const docClient = DynamoDBDocumentClient.from(rawClient);
    await ensureTable(rawClient, tableName);
    const apiKey = devApiKey(dataDir, env.DEV_API_KEY);
    await seedDevTenant(docClient, tableName, apiKey, () => clock.now());

    // The sandbox's grants are kept with the rest of the state (not when DynamoDB is in memory: its tokens would be gone).
    const mounted = useSandbox
      ? await mountSandbox(env, clock, {
          ...(options.inMemory ? {} : { persistFile: path.join(dataDir, 'sandbox.json') }),
          // The sandbox's "remove app" knob calls TikTok's webhook route here, signed like TikTok does.
          webhookUrl: `${baseUrl}${routePath('tiktokWebhook')}`,
        })
      : undefined;
    // The queue is kept under DATA_DIR with the rest of the state (not when DynamoDB is in memory: its runs would be gone).
    const reportQueue = createLocalReportQueue((event) => invokeFunction('report-generate', event) as ReturnType<QueueConsumer>, {
      ...(options.inMemory ? {} : { persistFile: path.join(dataDir, 'report-queue.json') }),
      now: () => clock.now(),
      ...options.reportQueue,
    });
    overrideReportQueue(reportQueue);
    // The background lane: captures never wait behind report runs (the dispatcher tick queues them;
    // locally it fires every minute, so a new account's first snapshot follows within a minute).
    const captureQueue = createLocalCaptureQueue((event) => invokeFunction('history-capture', event) as ReturnType<QueueConsumer>, {
      ...(options.inMemory ? {} : { persistFile: path.join(dataDir, 'capture-queue.json') }),
      ...(options.reportQueue?.delayScale !== undefined ? { delayScale: options.reportQueue.delayScale } : {}),
      ...options.captureQueue,
    });
    overrideCaptureQueue(captureQueue);
    // Not persisted: a pending retry is lost on restart (SQS keeps it in AWS; docs/webhooks.md).
    const webhookQueue = createLocalWebhookQueue((event) => invokeFunction('webhook-deliver', event) as ReturnType<QueueConsumer>, {
      now: () => clock.now(),
      ...options.webhookQueue,
    });
    overrideWebhookQueue(webhookQueue);
    const scheduler = startLocalScheduler({ enabled: options.scheduler ?? true, now: () => clock.now() });

    handler = (req, res) => {
      const url = new URL(req.url ?? '/', baseUrl);
      const work =
        mounted && (url.pathname === SANDBOX_PREFIX || url.pathname.startsWith(`${SANDBOX_PREFIX}/`))
          ? mounted.handle(req, res, url.pathname.slice(SANDBOX_PREFIX.length) || '/')
          : url.pathname.startsWith(LOCAL_FILES_PREFIX)
            ? serveLocalFile(req, res, url, { keyFile: handlerEnv.LOCAL_FILES_KEY_FILE!, now: () => clock.now() })
            : handleApiRequest(req, res, url);
      Promise.resolve(work).catch((err: unknown) => {
        logger.error('Local gateway error', { error: err as Error, path: url.pathname });
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'internal_error', message: 'Internal error.', requestId: 'local' } }));
      });
    };

    const localDynamo = dynamo;
    const localS3 = s3;
    return {
      baseUrl,
      port,
      dataDir,
      apiKey,
      tenantId: LOCAL_TENANT_ID,
      sandbox: mounted?.sandbox,
      scheduler,
      reportQueue,
      captureQueue,
      webhookQueue,
      close: async () => {
        await scheduler.stop();
        await reportQueue.close();
        await captureQueue.close();
        await webhookQueue.close();
        overrideWebhookQueue(undefined);
        overrideReportQueue(undefined);
        overrideCaptureQueue(undefined);
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await localS3.close();
        await localDynamo.close();
        docClient.destroy();
        for (const [k, v] of Object.entries(previousEnv)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
        resetAppContext();
        resetCaches();
      },
    };
  } catch (err) {
    server.close();
    await s3?.close().catch(() => undefined);
    await dynamo?.close().catch(() => undefined);
    throw err;
  }
}
