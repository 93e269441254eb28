/**
 * The Cloud9QL reference a model reads before writing a query (cloud9ql_help). Function lists come
 * from the engine's own catalogue, so they cannot name a function that does not exist; every
 * example is run by test/mcp/tools.test.ts.
 */
import { AGGREGATES } from '../cloud9ql/functions/aggregates.ts';
import { CONDITIONAL_FUNCTIONS, STATEMENT_FUNCTIONS } from '../cloud9ql/functions/catalogue.ts';
import { CONVERT_FUNCTIONS } from '../cloud9ql/functions/convert.ts';
import { DATE_FUNCTIONS } from '../cloud9ql/functions/dates.ts';
import { MATH_FUNCTIONS } from '../cloud9ql/functions/math.ts';
import { STRING_FUNCTIONS } from '../cloud9ql/functions/strings.ts';
import { WINDOW_FUNCTIONS } from '../cloud9ql/functions/window.ts';
import { MAX_CLOUD9QL_LENGTH } from '../reports/request/common.ts';

export interface Cloud9QLExample {
  reportType: 'profile' | 'video-list' | 'video-query' | 'history';
  question: string;
  cloud9ql: string;
}

export const CLOUD9QL_EXAMPLES: readonly Cloud9QLExample[] = [
  { reportType: 'profile', question: 'The profile as one row', cloud9ql: 'select data.user;' },
  {
    reportType: 'video-list',
    question: 'Top 10 videos by views, with an engagement rate',
    cloud9ql: 'select expand(data.videos); select title, view_count, like_count * 1.0 / view_count as engagement order by view_count desc limit 10',
  },
  {
    reportType: 'video-list',
    question: 'Videos posted in the last 7 days',
    cloud9ql: "select expand(data.videos); select id, title, view_count, date_format(create_time, 'yyyy-MM-dd') as posted where create_time >= $c9_today - 7d order by view_count desc",
  },
  {
    reportType: 'video-list',
    question: 'Views per month of posting',
    cloud9ql: "select expand(data.videos); select date_format(create_time, 'yyyy-MM') as month, count(*) as videos, sum(view_count) as views group by month order by month",
  },
  {
    reportType: 'history',
    question: 'Videos that gained the most views in the period (set from/to and topVideos)',
    cloud9ql: 'select expand(data.top_videos); select rank, title, views_gained, views order by views_gained desc',
  },
  {
    reportType: 'history',
    question: 'Followers gained per week (with granularity "week")',
    cloud9ql: 'select expand(data.periods); select period, follower_count, follower_count_delta',
  },
];

const names = (table: Record<string, unknown>) => Object.keys(table).sort().join(', ');

export function cloud9qlHelp(): string {
  return [
    '# Cloud9QL (Knowi\'s SQL-like post-processing), as run_report applies it',
    '',
    'A query runs on the report\'s source JSON and returns rows. Statements are separated by `;`; each one runs on the rows of the one before.',
    '`select <items> [where <cond>] [group by <names>] [having <cond>] [order by <name> [asc|desc], ...] [limit <n>]`; `select distinct ...`; `select *`.',
    '',
    '## Source JSON per report type (the default query in brackets)',
    '- profile: `{data:{user:{<fields>}}}` [`select data.user;`]',
    '- video-list, video-query: `{data:{videos:[{<fields>}], cursor, has_more}}` [`select expand(data.videos);`]',
    '- history: `{data:{account, from, to, granularity, metrics, periods:[{period, start, end, days, days_with_data, complete, <metric>, <metric>_delta}], top_videos:[{rank, id, title, create_time, views, views_gained, likes_gained, comments_gained, shares_gained}], top_videos_from, top_videos_to, days_with_data, first_snapshot}}` [`select expand(data.periods);`]',
    '',
    'Start with `select expand(data.videos);` (or data.periods / data.top_videos) to get one row per element, then shape those rows in a second statement.',
    '',
    '## Expressions',
    '- Fields by name or dotted path (`data.user.follower_count`); quote odd names with backticks. Unknown fields are null, not errors.',
    '- Arithmetic `+ - * / %` (division by 0 is null; use `* 1.0` for a ratio), comparisons `= != < <= > >=`, `and or not`, `like` (case-insensitive, `%` and `_`), `in (...)`, `between a and b`, `is null`, `is not null`, `case when ... then ... else ... end`.',
    '- Text in single quotes. Aliases with `as`. Order by / group by may use an alias.',
    '- Nulls: comparisons with null are false; aggregates ignore nulls; null sorts last.',
    '- Dates: numbers below 1e11 are epoch seconds (TikTok\'s create_time), else epoch ms. Relative tokens (UTC): `$c9_now`, `$c9_today`, `$c9_yesterday`, `$c9_thisweek` (Monday), `$c9_lastweek`, `$c9_thismonth`, `$c9_lastmonth`, `$c9_thisyear`; combine with durations: `$c9_today - 7d`.',
    '',
    '## Functions (names are case-insensitive)',
    `- statement (alone in their select list): ${names(STATEMENT_FUNCTIONS)}`,
    `- aggregates (with or without group by): ${names(AGGREGATES)}`,
    `- window (running values over the rows, in input order): ${names(WINDOW_FUNCTIONS)}`,
    `- conditional: ${names(CONDITIONAL_FUNCTIONS)}`,
    `- math: ${names(MATH_FUNCTIONS)}`,
    `- text: ${names(STRING_FUNCTIONS)}`,
    `- conversion and number formats: ${names(CONVERT_FUNCTIONS)}`,
    `- dates (Java patterns such as 'yyyy-MM-dd'): ${names(DATE_FUNCTIONS)}`,
    '',
    '## Examples',
    ...CLOUD9QL_EXAMPLES.map((e) => `- ${e.question} (${e.reportType}):\n  \`${e.cloud9ql}\``),
    '',
    '## Errors and limits',
    `An invalid query answers error 422 \`cloud9ql_error\` with \`line\` and \`column\` (and a reason such as syntax_error or unknown_function, with a "did you mean"). At most ${MAX_CLOUD9QL_LENGTH} characters, 50 statements, 100,000 rows in and out.`,
  ].join('\n');
}
