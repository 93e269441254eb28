/**
 * Every Lambda function of the service: one entry point each under functions/<name>/handler.ts
 * (exporting `handler`). The CDK stack creates exactly these; the local runtime loads the same
 * modules. Routes (routes.ts) and schedules (schedules.ts) refer to functions by name.
 *
 * `uses` declares what each function may touch in AWS; the stack turns it into that function's own
 * IAM role (infra/constructs/functions.ts) and nothing else, so a permission a handler needs is
 * added here, next to the function, where a reviewer sees it.
 */
export type FunctionPermission =
  /** GetItem/Query/BatchGetItem on the table and its indexes. */
  | 'table:read'
  /** PutItem/UpdateItem/DeleteItem/BatchWriteItem on the table. */
  | 'table:write'
  /**
   * UpdateItem on the per-tenant API request counters only (pk `RATE#...`): every function serving
   * an API-key route counts its requests (shared/auth/rate-limit.ts), read-only ones included.
   */
  | 'table:count-requests'
  /** kms:GenerateDataKey on the token key (encrypt tokens), with the {tenantId, datasourceId} context. */
  | 'tokens:encrypt'
  /** kms:Decrypt on the token key, with the {tenantId, datasourceId} context. */
  | 'tokens:decrypt'
  /** s3:PutObject into the delivery bucket. */
  | 'bucket:write'
  /**
   * HeadObject on deliveries (s3:GetObject) + s3:ListBucket: without ListBucket, S3 answers 403
   * instead of 404 for a key that does not exist, and "was this slot already written?" breaks.
   */
  | 'bucket:read'
  /**
   * s3:GetObject on delivered objects, and nothing else: a function that hands out presigned
   * download URLs (shared/exports/download.ts) lends them its role's authority. No SDK client.
   */
  | 'bucket:download'
  /** sqs:SendMessage to the report queue. */
  | 'queue:send'
  /** Consume the report queue (the SQS event source of the function). */
  | 'queue:consume'
  /** sqs:SendMessage to the capture queue (daily snapshots, the background lane). */
  | 'capture-queue:send'
  /** Consume the capture queue (the SQS event source of the function). */
  | 'capture-queue:consume'
  /** secretsmanager:GetSecretValue on the TikTok app credentials. */
  | 'secret:read'
  /** sqs:SendMessage to the webhook queue: emits events (shared/webhooks/queue.ts). */
  | 'webhook-queue:send'
  /** Consume the webhook queue (event source) and send to its DLQ (a delivery out of tries). */
  | 'webhook-queue:consume'
  /** Write the data lake (Get/Put/Delete under lake/ and lake-staging/, list lake-staging/): infra/lake. */
  | 'lake:write';

export interface FunctionSpec {
  name: string;
  /** Path of the handler module from the repository root. */
  entry: string;
  description: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** What the function may do in AWS beyond writing its own logs. */
  uses: readonly FunctionPermission[];
}

const fn = (
  name: string,
  description: string,
  uses: readonly FunctionPermission[],
  timeoutSeconds = 29,
  memoryMb = 512,
): FunctionSpec => ({
  name,
  entry: `functions/${name}/handler.ts`,
  description,
  timeoutSeconds,
  memoryMb,
  uses,
});

const TABLE = ['table:read', 'table:write'] as const;
/** Serves API-key routes: reads the key, counts the request. */
const API = ['table:read', 'table:count-requests'] as const;
/**
 * Report calls use the token vault, which refreshes an expired access token on demand (refresh
 * once, retry once) and stores the rotated pair: so besides Decrypt they need GenerateDataKey.
 */
// A refresh TikTok rejects emits datasource.needs_reauth (webhook-queue:send).
const TIKTOK_REPORT = [...TABLE, 'tokens:decrypt', 'tokens:encrypt', 'secret:read', 'webhook-queue:send'] as const;

/** API functions that may refresh a token: API Gateway's limit plus the token endpoint's timeout, with a margin. */
const REFRESHING_API_TIMEOUT_S = 45;

export const FUNCTIONS = [
  fn('meta', 'Health check and the OpenAPI document', [], 5, 256),
  // Reads the app's client key to build the authorize URL; stores links and one-time OAuth state.
  fn('connect', 'Connect links: create, and redirect to TikTok consent', [...TABLE, 'table:count-requests', 'secret:read']),
  fn('oauth-callback', 'TikTok OAuth callback: consume state, exchange code, store encrypted tokens', [
    ...TABLE,
    'tokens:encrypt',
    'tokens:decrypt',
    'secret:read',
    'webhook-queue:send',
  ]),
  // DELETE revokes at TikTok with the stored token (decrypt) and the app credentials; never refreshes.
  fn('datasources', 'List, read and delete (revoke) connected TikTok accounts', [...TABLE, 'table:count-requests', 'tokens:decrypt', 'secret:read', 'webhook-queue:send']),
  // Longer than API Gateway's 29 s: a token refresh the request gave up on must still finish and be
  // stored (TIKTOK_TOKEN_TIMEOUT_MS, 30 s) before the invocation ends (shared/tokens/refresh-scope.ts).
  fn('report-profile', 'Profile & Stats report (TikTok user/info)', [...TIKTOK_REPORT, 'table:count-requests'], REFRESHING_API_TIMEOUT_S),
  fn('report-video-list', 'Video List report (TikTok video/list, cursor paging)', [...TIKTOK_REPORT, 'table:count-requests'], REFRESHING_API_TIMEOUT_S, 1024),
  fn('report-video-query', 'Video Query by ID report (TikTok video/query)', [...TIKTOK_REPORT, 'table:count-requests'], REFRESHING_API_TIMEOUT_S),
  // Stored snapshots only: no TikTok call, no token.
  fn('report-history', 'Growth history report from daily snapshots', API, 29, 1024),
  // "Run now" queues a run on the same queue the dispatcher uses.
  // Run history hands out download URLs of delivered files (presigned: bucket:download).
  fn('schedules', 'Scheduled report definitions and their run history', [...TABLE, 'table:count-requests', 'queue:send', 'bucket:download']),
  // Validates and queues exports on the report queue; reads them back with a presigned download URL.
  fn('exports', 'Exports: queue a report to a file, read its status and download URL', [...TABLE, 'table:count-requests', 'queue:send', 'bucket:download']),
  // Also leases due snapshot captures (the due index) and queues them on the capture queue.
  fn('schedule-dispatch', 'Finds due schedules, claims each slot once, queues one run per slot', [...TABLE, 'queue:send', 'capture-queue:send', 'webhook-queue:send'], 60, 512),
  // Also runs exports (report queue, kind 'export'): re-sends its own continuation/wait messages (queue:send).
  fn('report-generate', 'Runs one scheduled report slot or one export step and writes it to S3', [...TIKTOK_REPORT, 'bucket:read', 'bucket:write', 'queue:send', 'queue:consume'], 300, 1024),
  // The background lane: daily snapshot captures; re-sends its own continuation/wait/retry messages.
  // Each committed day is also written to the lake (shared/lake): the only function bundling the Parquet writer.
  fn('history-capture', 'Captures one datasource\'s daily snapshot, resumably, within the background quota', [...TIKTOK_REPORT, 'capture-queue:send', 'capture-queue:consume', 'lake:write'], 300, 1024),
  // MCP: the read-only report, schedule and run reads of the other API functions, behind one route
  // (shared/mcp). Runs TikTok reports (token vault, like report-*) and signs run download URLs.
  fn('mcp', 'Model Context Protocol server (Streamable HTTP, stateless): read-only tools over reports, schedules and runs', [
    ...TIKTOK_REPORT,
    'table:count-requests',
    'bucket:download',
  ], REFRESHING_API_TIMEOUT_S, 1024),
  fn('token-refresh', 'Refreshes access tokens that expire soon', [...TABLE, 'tokens:encrypt', 'tokens:decrypt', 'secret:read', 'webhook-queue:send'], 300, 512),
  // Subscriptions API; "test" queues an event (docs/webhooks.md).
  fn('webhooks', 'Webhook subscriptions: create, list, change, rotate the secret, test, delivery log', [...TABLE, 'table:count-requests', 'webhook-queue:send'], 29, 256),
  // Fans events out and POSTs them; re-sends its own retries; dead-letters a delivery out of tries.
  fn('webhook-deliver', 'Delivers webhook events to subscribers: signed, retried with back-off, every try logged', [...TABLE, 'webhook-queue:send', 'webhook-queue:consume'], 60, 256),
  // Alerts API; "evaluate" runs the report now (scheduled quota lane), so it holds the report permissions.
  fn('alerts', 'Alerts: a report on a schedule, a Cloud9QL condition, alert.triggered when rows match', [...TIKTOK_REPORT, 'table:count-requests'], REFRESHING_API_TIMEOUT_S, 1024),
  // TikTok's own webhook: reads the app secret to verify TikTok-Signature; forgets tokens on authorization.removed.
  fn('tiktok-webhook', "TikTok's webhook: verifies TikTok-Signature, handles authorization.removed", [...TABLE, 'secret:read', 'webhook-queue:send'], 29, 256),
] as const satisfies readonly FunctionSpec[];

export type FunctionName = (typeof FUNCTIONS)[number]['name'];
