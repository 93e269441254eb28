/** The quota governor: one TikTok app's per-endpoint limit shared fairly by every tenant (docs/quota.md). */
export { QuotaExhaustedError, type Priority } from './errors.ts';
export { createGovernor, DEFAULT_THROTTLE_MS, type Governor, type GovernorDeps, type GovernorEvent, type PermitRequest } from './governor.ts';
export { decide, applyThrottle, emptyLedger, laneCap, limitFactor, type LedgerState } from './ledger.ts';
export { dynamoLedgerStore, memoryLedgerStore, ledgerItemKey, type LedgerStore } from './ledger-store.ts';
export { DEFAULT_QUOTA_SETTINGS, WINDOW_MS, limitFor, lookbackMs, parseQuotaOverrides, type QuotaScope, type QuotaSettings } from './settings.ts';
export { currentWork, withWork, withinWork, type Work } from './work.ts';
