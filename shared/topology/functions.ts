/**
 * Every Lambda function of the service: one entry point each under functions/<name>/handler.ts
 * (exporting `handler`). The CDK stack creates exactly these; the local runtime loads the same
 * modules. Routes (routes.ts) and schedules (schedules.ts) refer to functions by name.
 */
export interface FunctionSpec {
  name: string;
  /** Path of the handler module from the repository root. */
  entry: string;
  description: string;
  timeoutSeconds: number;
  memoryMb: number;
}

const fn = (name: string, description: string, timeoutSeconds = 29, memoryMb = 512): FunctionSpec => ({
  name,
  entry: `functions/${name}/handler.ts`,
  description,
  timeoutSeconds,
  memoryMb,
});

export const FUNCTIONS = [
  fn('meta', 'Health check and the OpenAPI document', 5, 256),
  fn('connect', 'Connect links: create, and redirect to TikTok consent'),
  fn('oauth-callback', 'TikTok OAuth callback: consume state, exchange code, store encrypted tokens'),
  fn('datasources', 'List, read and delete (revoke) connected TikTok accounts'),
  fn('report-profile', 'Profile & Stats report (TikTok user/info)'),
  fn('report-video-list', 'Video List report (TikTok video/list, cursor paging)', 29, 1024),
  fn('report-video-query', 'Video Query by ID report (TikTok video/query)'),
  fn('report-history', 'Growth history report from daily snapshots', 29, 1024),
  fn('schedules', 'Scheduled report definitions and their run history'),
  fn('schedule-dispatch', 'Finds due schedules, claims each slot once, queues one run per slot', 60, 512),
  fn('report-generate', 'Runs one scheduled report slot and writes it to S3', 300, 1024),
  fn('token-refresh', 'Refreshes access tokens that expire soon', 300, 512),
] as const satisfies readonly FunctionSpec[];

export type FunctionName = (typeof FUNCTIONS)[number]['name'];

export function functionSpec(name: FunctionName): FunctionSpec {
  const spec = FUNCTIONS.find((f) => f.name === name);
  if (!spec) throw new Error(`Unknown function ${name}`);
  return spec;
}
