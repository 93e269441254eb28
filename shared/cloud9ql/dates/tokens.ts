/**
 * `$c9_` relative date tokens, resolved against the run's clock in UTC. Each names an instant:
 * `$c9_now`; the start of `$c9_thishour`, `$c9_today`, `$c9_thisweek` (Monday), `$c9_thismonth`,
 * `$c9_thisquarter`, `$c9_thisyear`; their `last`/`previous` and `next` neighbours (`$c9_lastweek`,
 * `$c9_nextmonth`...), `$c9_yesterday`, `$c9_tomorrow`, and `$c9_lasthour`. Combine with durations:
 * `$c9_today - 7d`.
 */
import { addToInstant, truncate, type TruncUnit } from './units.ts';
import { UTC } from './zone.ts';

const PERIODS: Record<string, TruncUnit> = { hour: 'h', day: 'd', week: 'w', month: 'M', quarter: 'q', year: 'y' };
const ALIASES: Record<string, string> = { today: 'thisday', yesterday: 'lastday', tomorrow: 'nextday' };

/** Resolver of a token name (lower case, with the `$c9_` prefix), or null for an unknown token. */
export function dateTokenResolver(name: string): ((nowMs: number) => number) | null {
  let word = name.replace(/^\$c9_/, '');
  if (word === 'now') return (now) => now;
  word = ALIASES[word] ?? word;
  const m = /^(this|current|last|previous|prev|next)(hour|day|week|month|quarter|year)$/.exec(word);
  if (!m) return null;
  const unit = PERIODS[m[2]!]!;
  const step = m[1] === 'next' ? 1 : m[1] === 'this' || m[1] === 'current' ? 0 : -1;
  const addUnit = unit === 'q' ? 'q' : unit === 'h' ? 'h' : unit;
  return (now) => {
    const start = truncate(now, unit, UTC);
    return step === 0 ? start : addToInstant(start, step, addUnit, UTC);
  };
}
