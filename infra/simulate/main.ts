/**
 * `npm run simulate -- --accounts N [--videos-mean M] [--days D] [--tenants T] [--quota Q]
 *  [--scope app|user] [--interactive R] [--seed S] [--json]`: the fleet simulation (fleet.ts).
 * Prints a summary, or with --json one JSON object on stdout.
 */
import { parseArgs } from 'node:util';
import { simulate, type SimResult } from './fleet.ts';

process.env.LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

const { values } = parseArgs({
  options: {
    accounts: { type: 'string', default: '1000' },
    'videos-mean': { type: 'string', default: '60' },
    days: { type: 'string', default: '2' },
    tenants: { type: 'string' },
    quota: { type: 'string', default: '600' },
    scope: { type: 'string', default: 'app' },
    interactive: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

const USAGE = 'usage: npm run simulate -- --accounts N [--videos-mean M] [--days D] [--tenants T] [--quota Q] [--scope app|user] [--interactive R] [--seed S] [--json]';

function int(name: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} must be an integer from ${min} to ${max} (got ${value})\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const accounts = int('accounts', values.accounts, 1, 1_000_000);
const scope = values.scope === 'user' ? 'user' : values.scope === 'app' ? 'app' : undefined;
if (!scope) {
  console.error(`--scope must be app or user\n${USAGE}`);
  process.exit(2);
}
const result = await simulate({
  accounts,
  videosMean: int('videos-mean', values['videos-mean'], 0, 100_000),
  days: int('days', values.days, 1, 30),
  tenants: values.tenants === undefined ? Math.max(1, Math.round(accounts / 50)) : int('tenants', values.tenants, 1, accounts),
  quota: int('quota', values.quota, 1, 1_000_000),
  scope,
  interactivePerMinute: int('interactive', values.interactive, 0, 100_000),
  seed: int('seed', values.seed, 0, 2 ** 31),
});

if (values.json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  print(result);
}

function print(r: SimResult): void {
  const lines = [
    `Fleet simulation: ${r.accounts} accounts, ${r.tenants} tenants, ${r.days} days, ${r.videosMean} videos per account on average, quota ${r.quotaPerMinute}/min per endpoint`,
    `  TikTok calls          ${Object.entries(r.tiktokCalls).map(([e, n]) => `${e} ${n}`).join(', ')}`,
    `  peak calls/minute     ${Object.entries(r.peakCallsPerMinute).map(([e, n]) => `${e} ${n}`).join(', ')} (quota ${r.quotaPerMinute})`,
    `  TikTok 429s           ${r.tiktok429}`,
    `  snapshot days lost    ${r.snapshotDaysLost} (profile-only days: ${r.profileOnlyDays}; capacity warnings: ${r.capacityWarnings} ticks)`,
    `  captures finished at  ${r.captureFinishMinutes.map((m, i) => `day ${i + 1} ${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')} UTC`).join(', ')}`,
    `  interactive           ${r.interactive.requests} calls, wait p50 ${r.interactive.p50WaitMs} ms, p95 ${r.interactive.p95WaitMs} ms, rejected ${r.interactive.rejected}`,
    `  noon burst            ${r.burst.tenantId} fired ${r.burst.requests} calls at once: ${r.burst.served} served (${((r.burst.served / r.quotaPerMinute) * 100).toFixed(0)}% of the minute), ${r.burst.rejected} answered quota_exhausted`,
    `  largest tenant share  ${(r.tenantShare * 100).toFixed(1)}% of an endpoint's minute while another tenant's calls waited`,
    `  capture waits         ${r.captureWaits}; ledger operations per TikTok call ${r.ledgerOpsPerCall}`,
    `  real time             ${r.realSeconds} s`,
  ];
  console.log(lines.join('\n'));
}
