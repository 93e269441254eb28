/**
 * Which tests are slow: they start servers or the embedded stores (dynalite, s3rver), spawn child
 * processes (esbuild, CDK synth, depcruise) or drive a browser. Everything else is a pure unit test
 * and runs in the `fast` project (`npm run test:fast`, the inner loop); `npm test` runs both.
 * test/projects.test.ts fails when a test that boots something is not listed here.
 */

/** Folders whose every test is slow. */
const SLOW_FOLDERS = ['api', 'architecture', 'auth', 'datasources', 'e2e', 'faults', 'infra', 'integration', 'load'];

/** Slow tests in folders that are otherwise fast. */
const SLOW_FILES = [
  'connect/connect-flow',
  'connect/state',
  'delivery/delivery',
  'history/capture',
  'history/dynamo-lane',
  'history/integration',
  'history/report',
  'http/middleware/tenant-rate-limit',
  'lake/lake',
  'lake/local-runtime',
  'lake/stack',
  'quota/dynamo-race',
  'render/browser',
  'reports/reports-api',
  'reports/reports-tiktok',
  'schedules/api',
  'schedules/dispatch',
  'store/tenant-counter',
  'tiktok/contract-display',
  'tiktok/contract-oauth',
  'tiktok/contract-paging',
  'tiktok/sandbox/admin',
  'tiktok/sandbox/authorize',
  'tokens/no-plaintext',
  'tokens/refresh',
  'tokens/service',
  'tokens/sweep',
];

/** Globs (relative to the repository root) of the slow tests. */
export const SLOW_TESTS = [...SLOW_FOLDERS.map((d) => `test/${d}/**/*.test.ts`), ...SLOW_FILES.map((f) => `test/${f}.test.ts`)];

/** Whether a test file (path relative to the repository root) belongs to the slow project. */
export function isSlowTest(file: string): boolean {
  return SLOW_FOLDERS.some((d) => file.startsWith(`test/${d}/`)) || SLOW_FILES.some((f) => file === `test/${f}.test.ts`);
}
