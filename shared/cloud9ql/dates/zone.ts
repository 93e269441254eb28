/**
 * Time zones: UTC, fixed offsets ('+05:30', 'GMT-8', 'UTC+01:00') and IANA names ('America/New_York')
 * through the built-in Intl API (Node ships full ICU). Offsets of IANA zones are cached per 15-minute
 * slot, the finest granularity at which real zones change offset.
 */
import { boundedMemo } from '../cache.ts';
import { wallMs } from './civil.ts';

export interface Zone {
  readonly id: string;
  /** ms to add to a UTC instant to get the wall clock. */
  offsetAt(utcMs: number): number;
  /** UTC instant of a wall-clock time (for a gap or overlap, the earlier reading). */
  fromWall(wall: number): number;
  /** Short display name for the `z` pattern letter. */
  shortName(utcMs: number): string;
}

class FixedZone implements Zone {
  constructor(readonly id: string, private readonly offset: number) {}
  offsetAt(): number {
    return this.offset;
  }
  fromWall(wall: number): number {
    return wall - this.offset;
  }
  shortName(): string {
    return this.offset === 0 ? 'UTC' : `GMT${formatOffset(this.offset, true)}`;
  }
}

const SLOT = 900_000;
const MAX_CACHED_SLOTS = 20_000;

class IanaZone implements Zone {
  private readonly format: Intl.DateTimeFormat;
  private readonly slotOffset = boundedMemo(MAX_CACHED_SLOTS, (slot: number) => this.compute(slot * SLOT));
  constructor(readonly id: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: id, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short',
    });
  }
  offsetAt(utcMs: number): number {
    return this.slotOffset(Math.floor(utcMs / SLOT));
  }
  private compute(utcMs: number): number {
    const parts: Record<string, string> = {};
    for (const part of this.format.formatToParts(new Date(utcMs))) parts[part.type] = part.value;
    let year = Number(parts.year);
    if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
    const wall = wallMs(year, Number(parts.month), Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
    return wall - utcMs;
  }
  fromWall(wall: number): number {
    const first = wall - this.offsetAt(wall);
    const second = wall - this.offsetAt(first);
    return Math.min(first, second);
  }
  shortName(utcMs: number): string {
    const name = new Intl.DateTimeFormat('en-US', { timeZone: this.id, timeZoneName: 'short' })
      .formatToParts(new Date(utcMs))
      .find((p) => p.type === 'timeZoneName');
    return name?.value ?? this.id;
  }
}

export const UTC: Zone = new FixedZone('UTC', 0);

export function formatOffset(offsetMs: number, colon: boolean): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const total = Math.round(Math.abs(offsetMs) / 60_000);
  const h = Math.floor(total / 60);
  const m = total % 60;
  return `${sign}${h < 10 ? '0' : ''}${h}${colon ? ':' : ''}${m < 10 ? '0' : ''}${m}`;
}

const FIXED = /^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i;

/** The zone named by `id`, or null when the name is not a zone. */
export const resolveZone: (id: string) => Zone | null = boundedMemo(500, (id: string): Zone | null => {
  const trimmed = id.trim();
  if (/^(?:UTC|GMT|Z|Etc\/UTC|Etc\/GMT)$/i.test(trimmed)) return UTC;
  const fixed = FIXED.exec(trimmed);
  if (fixed) {
    const hours = Number(fixed[2]);
    const minutes = Number(fixed[3] ?? 0);
    if (hours > 18 || minutes >= 60) return null;
    return new FixedZone(trimmed, (fixed[1] === '-' ? -1 : 1) * (hours * 3_600_000 + minutes * 60_000));
  }
  try {
    return new IanaZone(trimmed);
  } catch {
    return null;
  }
});
