/**
 * One list of environment variables: every variable a validated reader (shared/config.ts,
 * shared/config/*.ts) reads is in README "Configuration", every variable listed there is read by
 * the code (a reader, or the local runtime's own options), no code outside shared/config reads
 * process.env, and a bad value fails with an error naming the variable.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../shared/config.ts';
import { readExportPagesPerInvocation } from '../../shared/config/exports.ts';
import { readHistoryConfig } from '../../shared/config/history.ts';
import { readLakeLocation } from '../../shared/config/lake.ts';
import { readLogLevel } from '../../shared/config/logging.ts';
import { CONFIG_VARIABLES } from '../../shared/config/variables.ts';
import { readWebhookConfig } from '../../shared/config/webhooks.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (p: string) => readFileSync(path.join(root, p), 'utf8');

function files(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

/** Backticked upper-case names in the rows of README's "Configuration" table. */
function documented(): Set<string> {
  const readme = read('README.md');
  const start = readme.indexOf('\n## Configuration\n');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const rows = section.split('\n').filter((l) => l.startsWith('| `'));
  return new Set(rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!)));
}

describe('environment variables: one validated config, one documented list', () => {
  it('documents every variable the config reads in README "Configuration"', () => {
    const docs = documented();
    expect(CONFIG_VARIABLES.length).toBeGreaterThan(30);
    expect(CONFIG_VARIABLES.filter((v) => !docs.has(v))).toEqual([]);
  });

  it('lists no variable that nothing reads (the config, or the local runtime for its own options)', () => {
    const local = files('infra/local').map(read).join('\n');
    const stale = [...documented()].filter((v) => !CONFIG_VARIABLES.includes(v) && !new RegExp(`\\b${v}\\b`).test(local));
    expect(stale).toEqual([]);
  });

  it('reads process.env only in shared/config (shared/ and functions/)', () => {
    const readers = [...files('shared'), ...files('functions')].filter((f) => !f.startsWith(`shared${path.sep}config`) && f !== path.join('shared', 'config.ts'));
    expect(readers.filter((f) => /process\.env/.test(read(f)))).toEqual([]);
  });

  it.each([
    ['TIKTOK_TIMEOUT_MS', () => readConfig({ TIKTOK_TIMEOUT_MS: 'soon' })],
    ['LOG_LEVEL', () => readLogLevel({ LOG_LEVEL: 'LOUD' })],
    ['HISTORY_CHECKPOINT_DAYS', () => readHistoryConfig({ HISTORY_CHECKPOINT_DAYS: '0' })],
    ['HISTORY_RETENTION_DAYS', () => readHistoryConfig({ HISTORY_RETENTION_DAYS: 'a year' })],
    ['REPORT_EXPORT_PAGES_PER_INVOCATION', () => readExportPagesPerInvocation({ REPORT_EXPORT_PAGES_PER_INVOCATION: '-2' })],
    ['LAKE_BUCKET', () => readLakeLocation({ LAKE_BUCKET: 'Not A Bucket' })],
    ['WEBHOOK_RETRY_SCHEDULE', () => readWebhookConfig({ WEBHOOK_RETRY_SCHEDULE: '5,soon' })],
    ['WEBHOOK_TIMEOUT_MS', () => readWebhookConfig({ WEBHOOK_TIMEOUT_MS: '60000' })],
    ['WEBHOOK_DISABLE_AFTER_HOURS', () => readWebhookConfig({ WEBHOOK_DISABLE_AFTER_HOURS: 'never' })],
    ['WEBHOOK_ALLOW_PRIVATE_TARGETS', () => readWebhookConfig({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'maybe' })],
  ])('a bad %s fails with a ConfigError naming it', (name, readBad) => {
    let error: unknown;
    try {
      readBad();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`Invalid environment variable ${name}:`);
  });

  it('reads good values and the defaults', () => {
    expect(readExportPagesPerInvocation({})).toBe(Number.POSITIVE_INFINITY);
    expect(readExportPagesPerInvocation({ REPORT_EXPORT_PAGES_PER_INVOCATION: '5' })).toBe(5);
    expect(readHistoryConfig({ HISTORY_RETENTION_DAYS: '730' })).toEqual({ retentionDays: 730, checkpointEveryDays: 28 });
    expect(readHistoryConfig({ HISTORY_RETENTION_DAYS: 'forever' }).retentionDays).toBeUndefined();
    expect(readLakeLocation({ LAKE_DIR: '/tmp/lake', LAKE_BUCKET: 'b-lake' })).toEqual({ kind: 'dir', dir: '/tmp/lake' });
    expect(readLakeLocation({ LAKE_BUCKET: 'my-lake-bucket' })).toEqual({ kind: 'bucket', bucket: 'my-lake-bucket' });
    expect(readLakeLocation({})).toBeUndefined();
    expect(readWebhookConfig({ STAGE: 'prod', WEBHOOK_RETRY_SCHEDULE: '0.05, 1', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'YES' })).toMatchObject({
      local: false,
      allowPrivateTargets: true,
      retryScheduleSeconds: [0.05, 1],
      disableAfterHours: 120,
      timeoutMs: 10_000,
    });
    expect(readLogLevel({})).toBe('INFO');
  });
});
