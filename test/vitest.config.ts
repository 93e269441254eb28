import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { SLOW_TESTS } from './projects.ts';

const ALL_TESTS = ['test/**/*.test.ts'];
const NOT_TESTS = ['node_modules/**', 'cdk.out/**', '.data/**'];

// Kept under test/ because the repository's top level is fixed (see README "Layout").
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests boot servers on free ports; two cores on CI machines.
    maxWorkers: 2,
    // s3rver builds list continuation tokens with DES, which Node 20 only offers with the legacy provider.
    execArgv: ['--openssl-legacy-provider'],
    // A passing run prints no service log lines or EMF metrics (`LOG_LEVEL=INFO npm test` shows them);
    // tests that read logs or metrics set their own level in vi.hoisted (before the logger is built).
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      TEST_DEFAULT_LOG_LEVEL: process.env.LOG_LEVEL ?? 'SILENT',
      TEST_DEFAULT_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    },
    // Sets LOG_LEVEL and POWERTOOLS_METRICS_DISABLED to the defaults above before each test file.
    setupFiles: ['test/support/default-env.ts'],
    // `npm test` runs both; `npm run test:fast` (--project fast) only the pure unit tests (test/projects.ts).
    projects: [
      { extends: true, test: { name: 'fast', include: ALL_TESTS, exclude: [...NOT_TESTS, ...SLOW_TESTS] } },
      { extends: true, test: { name: 'slow', include: SLOW_TESTS, exclude: NOT_TESTS } },
    ],
  },
});
