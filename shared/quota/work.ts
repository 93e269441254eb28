/**
 * Who a TikTok call is made for: the tenant, the lane (priority) and, once a datasource's token is
 * known, its open_id (the quota key when TIKTOK_QUOTA_SCOPE=user). Entry points open a work scope
 * (`withWork`); the TikTok client reads it for every call, so no report or capture signature has to
 * carry it. AsyncLocalStorage keeps concurrent requests of one process apart.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Priority } from './errors.ts';

export interface Work {
  tenantId: string;
  priority: Priority;
  /** TikTok's open_id of the datasource being read, when known. */
  openId?: string;
  /** Longest wait for a permit (ms); default by priority (docs/quota.md). */
  maxWaitMs?: number;
  /**
   * About how many calls this work will make, per endpoint path: the first lease takes that many
   * permits at once (capped) instead of growing from one, so a short job pays one lease per endpoint.
   */
  expectedCalls?: Readonly<Record<string, number>>;
}

const storage = new AsyncLocalStorage<Work>();

export function withWork<T>(work: Work, fn: () => T): T {
  return storage.run(work, fn);
}

/** Narrows the current scope (e.g. adds the open_id once the datasource is read). */
export function withinWork<T>(patch: Partial<Work>, fn: () => T): T {
  const current = storage.getStore();
  return current ? storage.run({ ...current, ...patch }, fn) : fn();
}

export function currentWork(): Work | undefined {
  return storage.getStore();
}
