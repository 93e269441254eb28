/**
 * The schedule routes' path and paging parameters, apart from the schedule operations so that the
 * MCP tools (shared/mcp/tools.ts) reuse them without building every schedule schema at cold start.
 */
import * as z from 'zod/mini';
import '../../zod-locale.ts';
import { SCHEDULE_LIMITS } from '../../schedules/model.ts';

export const scheduleParams = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(128)).check(z.meta({ description: 'Schedule id.' })),
});

const limitError = `limit must be a whole number from 1 to ${SCHEDULE_LIMITS.pageMax}`;

export const pageQuery = z.object({
  limit: z
    ._default(
      z.coerce
        .number({ error: limitError })
        .check(z.int({ error: limitError }), z.gte(1, { error: limitError }), z.lte(SCHEDULE_LIMITS.pageMax, { error: limitError })),
      SCHEDULE_LIMITS.pageDefault,
    )
    .check(z.meta({ description: `Page size, 1 to ${SCHEDULE_LIMITS.pageMax} (default ${SCHEDULE_LIMITS.pageDefault}).` })),
  nextToken: z.optional(z.string().check(z.maxLength(1024))).check(z.meta({ description: 'The nextToken of the previous page.' })),
});
