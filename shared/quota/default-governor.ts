/**
 * The process's governor, over the service table, with the configured settings and metrics. One per
 * container: its leased permits and its view of the ledgers are what make it cheap per call.
 */
import { appContext, tableAccess } from '../context.ts';
import { registerCache } from '../lambda/caches.ts';
import { createGovernor, type Governor } from './governor.ts';
import { dynamoLedgerStore } from './ledger-store.ts';
import { quotaMetricsSink } from './metrics.ts';

let cached: { id: string; governor: Governor } | undefined;
// resetCaches() forgets the governor (its leases) after the context changed (tests, the local runtime).
registerCache('quota.governor', { clear: () => (cached = undefined) });

export function defaultGovernor(): Governor {
  const ctx = appContext();
  const id = JSON.stringify([ctx.config.tableName, ctx.config.quota]);
  if (cached?.id !== id) {
    const now = () => appContext().clock.now();
    const sink = quotaMetricsSink(now);
    cached = {
      id,
      governor: createGovernor({
        store: dynamoLedgerStore(tableAccess()),
        settings: ctx.config.quota,
        now,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        onEvent: sink.onEvent,
      }),
    };
  }
  return cached.governor;
}
