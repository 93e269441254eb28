/**
 * In-process stand-in for EventBridge: fires each schedule-table target with a Scheduled Event on
 * its `localSchedule`, never overlapping two runs of the same rule.
 */
import { randomUUID } from 'node:crypto';
import { SCHEDULES, type ScheduleSpec } from '../../shared/topology/schedules.ts';
import { logger } from '../../shared/logger.ts';
import { parseScheduleExpression } from '../../shared/schedules/expression/index.ts';
import { invokeFunction } from './functions.ts';

/** Interval of a `rate(N unit)` expression (THE EventBridge parser of shared/schedules); the local table only uses rates. */
export function rateIntervalMs(expression: string): number {
  const parsed = parseScheduleExpression(expression);
  if (parsed.kind !== 'rate') throw new Error(`Local scheduler supports rate(N unit) expressions, got ${expression}`);
  return parsed.intervalMs;
}

export function scheduledEvent(spec: ScheduleSpec, time: Date): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'local',
    resources: [`arn:aws:events:local:000000000000:rule/${spec.rule}`],
    detail: {},
  };
}

export interface LocalScheduler {
  /** Fires one rule now (tests, or `npm start` users who do not want to wait). */
  fire(rule: string, time?: Date): Promise<unknown>;
  stop(): Promise<void>;
}

export function startLocalScheduler(options: { enabled: boolean; now: () => number }): LocalScheduler {
  const running = new Map<string, Promise<unknown>>();
  const timers: NodeJS.Timeout[] = [];

  const fire = (rule: string, time = new Date(options.now())): Promise<unknown> => {
    const spec = SCHEDULES.find((s) => s.rule === rule);
    if (!spec) throw new Error(`Unknown schedule rule ${rule}`);
    const inFlight = running.get(rule);
    if (inFlight) return inFlight;
    const p = invokeFunction(spec.target, scheduledEvent(spec, time))
      .catch((err: unknown) => {
        logger.error('Scheduled target failed', { rule, error: err as Error });
        throw err;
      })
      .finally(() => running.delete(rule));
    running.set(rule, p);
    return p;
  };

  if (options.enabled) {
    for (const spec of SCHEDULES) {
      const t = setInterval(() => void fire(spec.rule).catch(() => undefined), rateIntervalMs(spec.localSchedule));
      t.unref();
      timers.push(t);
    }
  }
  return {
    fire,
    stop: async () => {
      timers.forEach(clearInterval);
      await Promise.allSettled([...running.values()]);
    },
  };
}
