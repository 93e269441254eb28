/** The quota governor: one TikTok app's per-endpoint limit shared fairly by every tenant (docs/quota.md). */
export { QuotaExhaustedError } from './errors.ts';
export { createGovernor, type GovernorEvent } from './governor.ts';
export { decide, applyThrottle, emptyLedger, limitFactor, type LedgerState } from './ledger.ts';
export { dynamoLedgerStore, memoryLedgerStore, type LedgerStore } from './ledger-store.ts';
export { DEFAULT_QUOTA_SETTINGS, lookbackMs, type QuotaSettings } from './settings.ts';
export { withWork } from './work.ts';
