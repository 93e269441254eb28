/**
 * The history report's request body. `metrics` takes the place of the TikTok reports' `fields`
 * (and is handed on as `fields`, the member every report request has); `from`/`to` default to the
 * last 30 days, resolved against the service clock when the report runs.
 */
import { z } from 'zod';
import { cloud9qlSchema, formatSchema, unknownMemberError } from '../reports/request/common.ts';
import { daysBetween, isDay } from './days.ts';
import { HISTORY_METRICS, type HistoryMetric } from './report.ts';

export const DEFAULT_HISTORY_QUERY = 'select expand(data.periods);';
/** Longest range one request may cover (ten years of days). */
export const MAX_HISTORY_DAYS = 3_660;
export const DEFAULT_HISTORY_DAYS = 30;
export const MAX_TOP_VIDEOS = 50;
export const DEFAULT_TOP_VIDEOS = 10;

const day = (name: 'from' | 'to') =>
  z
    .string({ error: `${name} must be a calendar day YYYY-MM-DD` })
    .refine(isDay, { error: `${name} must be a calendar day YYYY-MM-DD (UTC)` })
    .optional()
    .meta({
      description:
        name === 'from'
          ? `First day (UTC, inclusive). Default: ${DEFAULT_HISTORY_DAYS - 1} days before \`to\`.`
          : 'Last day (UTC, inclusive). Default: today (UTC).',
      examples: [name === 'from' ? '2024-06-01' : '2024-06-30'],
    });

const metricsSchema = z
  .union([z.string(), z.array(z.string({ error: 'metrics must contain only strings' }))], {
    error: 'metrics must be an array of metric names or a comma-separated string',
  })
  .transform((value, ctx) => {
    const names = [...new Set((typeof value === 'string' ? value.split(',') : value).map((m) => m.trim()).filter(Boolean))];
    const unknown = names.filter((m) => !(HISTORY_METRICS as readonly string[]).includes(m));
    if (names.length === 0 || unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `${unknown.length ? `Unknown metric${unknown.length > 1 ? 's' : ''} ${unknown.map((m) => `"${m.slice(0, 64)}"`).join(', ')}` : 'metrics must name at least one metric'}. Valid metrics: ${HISTORY_METRICS.join(', ')}.`,
      });
      return z.NEVER;
    }
    return names as HistoryMetric[];
  })
  .optional()
  .meta({
    description:
      'Counters to report, as an array or a comma-separated string; default all. Profile counters (need user.info.stats): follower_count, ' +
      'following_count, likes_count, video_count. Sums over the public videos (need video.list): video_views, video_likes, video_comments, video_shares.',
    anyOf: [
      { type: 'array', items: { type: 'string', enum: [...HISTORY_METRICS] }, minItems: 1 },
      { type: 'string', description: 'Comma-separated metric names.' },
    ],
    examples: [['follower_count', 'video_views']],
  });

export const historyRequestSchema = (() => {
  let built: ReturnType<typeof build> | undefined;
  const build = () =>
    z
      .strictObject(
        {
          from: day('from'),
          to: day('to'),
          metrics: metricsSchema,
          granularity: z
            .enum(['day', 'week', 'month'], { error: 'granularity must be one of: day, week, month' })
            .default('day')
            .meta({ description: 'day, week (ISO weeks, Monday first) or month (calendar months); periods are clipped to from/to.' }),
          topVideos: z
            .number({ error: 'topVideos must be an integer' })
            .int({ error: 'topVideos must be an integer' })
            .min(0, { error: 'topVideos must be at least 0' })
            .max(MAX_TOP_VIDEOS, { error: `topVideos must be at most ${MAX_TOP_VIDEOS}` })
            .default(DEFAULT_TOP_VIDEOS)
            .meta({ description: `How many videos to rank by views gained in the period (data.top_videos); 0 to skip. Default ${DEFAULT_TOP_VIDEOS}.` }),
          cloud9ql: cloud9qlSchema(DEFAULT_HISTORY_QUERY),
          format: formatSchema(),
        },
        { error: unknownMemberError('the history report request') },
      )
      .superRefine((r, ctx) => {
        if (r.from && r.to && r.from > r.to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must not be after to' });
        if (r.from && r.to && daysBetween(r.from, r.to) + 1 > MAX_HISTORY_DAYS) {
          ctx.addIssue({ code: 'custom', path: ['from'], message: `The range may cover at most ${MAX_HISTORY_DAYS} days` });
        }
      })
      .transform((r) => ({ ...r, metrics: r.metrics ?? [...HISTORY_METRICS], fields: (r.metrics ?? [...HISTORY_METRICS]) as string[] }));
  return () => (built ??= build());
})();

export type HistoryRequest = z.output<ReturnType<typeof historyRequestSchema>>;

export const historyRequestExample: z.input<ReturnType<typeof historyRequestSchema>> = {
  from: '2024-06-01',
  to: '2024-06-30',
  metrics: ['follower_count', 'likes_count', 'video_views'],
  granularity: 'day',
  topVideos: 10,
  format: 'json',
};
