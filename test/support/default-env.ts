/**
 * Runs before every test file (setupFiles in test/vitest.config.ts). A worker process runs several test
 * files one after another and keeps process.env between them, so a file that turns logs or metrics on
 * for itself (vi.hoisted) would leave them on for the next file: each file starts from the suite's
 * defaults instead.
 */
process.env.LOG_LEVEL = process.env.TEST_DEFAULT_LOG_LEVEL;
process.env.POWERTOOLS_METRICS_DISABLED = process.env.TEST_DEFAULT_METRICS_DISABLED;
