/**
 * The README's three questions, as SQL that runs unchanged in Athena (Trino) and DuckDB: only
 * functions both have (max_by, min_by, date_trunc, date_diff, lag), `dt` compared as a string so
 * Athena prunes partitions, and the tenant named (Athena's injected projection requires it).
 */
export function lakeQuestions(tenantId: string): Record<'followers_gained_30d' | 'top_videos_this_week' | 'posting_cadence', string> {
  const t = `'${tenantId.replaceAll("'", "''")}'`;
  return {
    followers_gained_30d: `SELECT datasource_id, max_by(display_name, dt) AS account,
       max_by(follower_count, dt) - min_by(follower_count, dt) AS followers_gained,
       count(*) AS days
FROM profile_daily
WHERE tenant_id = ${t} AND dt >= CAST(CAST(current_date - INTERVAL '30' DAY AS DATE) AS VARCHAR)
GROUP BY datasource_id
ORDER BY followers_gained DESC`,
    top_videos_this_week: `WITH week AS (
  SELECT datasource_id, video_id, sum(view_count_delta) AS views_gained, max(dt) AS last_dt
  FROM video_daily
  WHERE tenant_id = ${t} AND dt >= CAST(CAST(date_trunc('week', current_date) AS DATE) AS VARCHAR)
  GROUP BY datasource_id, video_id
)
SELECT w.datasource_id, w.video_id, m.title, w.views_gained
FROM week w
LEFT JOIN videos m ON m.tenant_id = ${t} AND m.dt >= CAST(CAST(date_trunc('week', current_date) AS DATE) AS VARCHAR)
  AND m.dt = w.last_dt AND m.datasource_id = w.datasource_id AND m.video_id = w.video_id
WHERE w.views_gained IS NOT NULL
ORDER BY w.views_gained DESC, w.video_id
LIMIT 20`,
    posting_cadence: `WITH latest AS (
  SELECT datasource_id, max(dt) AS dt FROM profile_daily
  WHERE tenant_id = ${t} AND dt >= CAST(CAST(current_date - INTERVAL '7' DAY AS DATE) AS VARCHAR)
  GROUP BY datasource_id
), posts AS (
  SELECT v.datasource_id, v.create_time,
         lag(v.create_time) OVER (PARTITION BY v.datasource_id ORDER BY v.create_time) AS previous
  FROM videos v JOIN latest l ON v.datasource_id = l.datasource_id AND v.dt = l.dt
  WHERE v.tenant_id = ${t} AND v.dt >= CAST(CAST(current_date - INTERVAL '7' DAY AS DATE) AS VARCHAR)
    AND v.create_time >= current_date - INTERVAL '90' DAY
)
SELECT datasource_id, count(*) AS posts_90d,
       round(count(*) * 7 / 90.0, 2) AS posts_per_week,
       round(avg(date_diff('hour', previous, create_time)) / 24.0, 1) AS avg_days_between_posts
FROM posts
GROUP BY datasource_id
ORDER BY posts_per_week DESC`,
  };
}
