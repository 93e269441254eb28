import type { Clock } from '../../shared/context.ts';

/** The tests' clock: real time plus an offset a test moves forward (link, state and token expiry). */
export class OffsetClock implements Clock {
  offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
}
