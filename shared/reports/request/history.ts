/**
 * The history report's request body. `metrics` takes the place of the TikTok reports' `fields`
 * (and is handed on as `fields`, the member every report request has); `from`/`to` default to the
 * last 30 days, resolved against the service clock when the report runs.
 */
import * as z from 'zod/mini';
import '../../zod-locale.ts';
import { cloud9qlSchema, formatSchema, unknownMemberError } from './common.ts';
import { ValidationError } from '../../errors.ts';
import { once } from '../types.ts';
import { addDays, daysBetween, isDay, type Day } from '../../history/days.ts';
import { HISTORY_METRICS, type HistoryMetric } from '../../history/report.ts';

export const DEFAULT_HISTORY_QUERY = 'select expand(data.periods);';
/** Longest range one request may cover (ten years of days). */
export const MAX_HISTORY_DAYS = 3_660;
export const DEFAULT_HISTORY_DAYS = 30;
export const MAX_TOP_VIDEOS = 50;
export const DEFAULT_TOP_VIDEOS = 10;

const day = (name: 'from' | 'to') =>
  z
    .optional(
      z
        .string({ error: `${name} must be a calendar day YYYY-MM-DD` })
        .check(z.refine(isDay, { error: `${name} must be a calendar day YYYY-MM-DD (UTC)` })),
    )
    .check(
      z.meta({
        description:
          name === 'from'
            ? `First day (UTC, inclusive). Default: ${DEFAULT_HISTORY_DAYS - 1} days before \`to\`.`
            : 'Last day (UTC, inclusive). Default: today (UTC).',
        examples: [name === 'from' ? '2024-06-01' : '2024-06-30'],
      }),
    );

const metricNames = z.union([z.string(), z.array(z.string({ error: 'metrics must contain only strings' }))], {
  error: 'metrics must be an array of metric names or a comma-separated string',
});

const toMetrics = z.transform((value: string | string[], ctx) => {
  const names = [...new Set((typeof value === 'string' ? value.split(',') : value).map((m) => m.trim()).filter(Boolean))];
  const unknown = names.filter((m) => !(HISTORY_METRICS as readonly string[]).includes(m));
  if (names.length === 0 || unknown.length > 0) {
    // zod/mini hands a transform the bare parse payload (no addIssue helper): the issue goes straight onto it.
    ctx.issues.push({
      code: 'custom',
      input: value,
      message: `${unknown.length ? `Unknown metric${unknown.length > 1 ? 's' : ''} ${unknown.map((m) => `"${m.slice(0, 64)}"`).join(', ')}` : 'metrics must name at least one metric'}. Valid metrics: ${HISTORY_METRICS.join(', ')}.`,
    });
    return z.NEVER;
  }
  return names as HistoryMetric[];
});

const metricsSchema = z._default(z.pipe(metricNames, toMetrics), [...HISTORY_METRICS]).check(
  z.meta({
    description:
      'Counters to report, as an array or a comma-separated string; default all. Profile counters (need user.info.stats): follower_count, ' +
      'following_count, likes_count, video_count. Sums over the public videos (need video.list): video_views, video_likes, video_comments, video_shares.',
    anyOf: [
      { type: 'array', items: { type: 'string', enum: [...HISTORY_METRICS] }, minItems: 1 },
      { type: 'string', description: 'Comma-separated metric names.' },
    ],
    examples: [['follower_count', 'video_views']],
  }),
);

/**
 * A plain object schema (no object-level refinement or transform), so schedules can take its
 * members as they take the other types'; the from <= to and range checks run with the defaults
 * resolved (report-type.ts), still as a 400 naming `from`.
 */
export const historyRequestSchema = once(() =>
  z.strictObject(
    {
      from: day('from'),
      to: day('to'),
      metrics: metricsSchema,
      granularity: z
        ._default(z.enum(['day', 'week', 'month'], { error: 'granularity must be one of: day, week, month' }), 'day')
        .check(z.meta({ description: 'day, week (ISO weeks, Monday first) or month (calendar months); periods are clipped to from/to.' })),
      topVideos: z
        ._default(
          z
            .number({ error: 'topVideos must be an integer' })
            .check(
              z.int({ error: 'topVideos must be an integer' }),
              z.gte(0, { error: 'topVideos must be at least 0' }),
              z.lte(MAX_TOP_VIDEOS, { error: `topVideos must be at most ${MAX_TOP_VIDEOS}` }),
            ),
          DEFAULT_TOP_VIDEOS,
        )
        .check(z.meta({ description: `How many videos to rank by views gained in the period (data.top_videos); 0 to skip. Default ${DEFAULT_TOP_VIDEOS}.` })),
      cloud9ql: cloud9qlSchema(DEFAULT_HISTORY_QUERY),
      format: formatSchema(),
    },
    { error: unknownMemberError('the history report request') },
  ),
);

/** from/to with their defaults, checked: 400 naming `from` when reversed or too long. */
export function resolveRange(request: { from?: string; to?: string }, today: Day): { from: Day; to: Day } {
  const to = request.to ?? today;
  const from = request.from ?? addDays(to, -(DEFAULT_HISTORY_DAYS - 1));
  if (from > to) throw new ValidationError(`Invalid from: ${from} is after to (${to}).`, 'from');
  if (daysBetween(from, to) + 1 > MAX_HISTORY_DAYS) throw new ValidationError(`Invalid from: the range may cover at most ${MAX_HISTORY_DAYS} days.`, 'from');
  return { from, to };
}

export const historyRequestExample: z.input<ReturnType<typeof historyRequestSchema>> = {
  from: '2024-06-01',
  to: '2024-06-30',
  metrics: ['follower_count', 'likes_count', 'video_views'],
  granularity: 'day',
  topVideos: 10,
  format: 'json',
};
