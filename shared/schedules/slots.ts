/**
 * Slot ids: the name of one due time of a schedule. A slot is the idempotency key of a run
 * (run item `RUN#<slot>`) and the file name of its delivery, so it is compact, safe in S3 keys and
 * file systems, and sorts by time: `20250101T080000Z`. A manual run ("run now") gets a slot of its
 * own, `20250101T080512Z-manual-<suffix>`, which never collides with a scheduled one.
 */
const SLOT_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z(-manual-[a-z0-9]{4,16})?$/;

function compact(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

export function scheduledSlot(dueMs: number): string {
  return compact(dueMs);
}

export function manualSlot(nowMs: number, suffix: string): string {
  return `${compact(nowMs)}-manual-${suffix}`;
}

export function isSlot(value: string): boolean {
  return SLOT_RE.test(value);
}

/** The due time a slot names (epoch ms). */
export function slotTime(slot: string): number {
  const m = SLOT_RE.exec(slot);
  if (!m) throw new TypeError(`Not a slot id: ${slot}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}
