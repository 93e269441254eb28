/**
 * Cloud9QL engine on 100,000 TikTok-shaped video rows (`{data:{videos:[...],cursor,has_more}}`, generated
 * deterministically), three queries, each against a hand-written TypeScript loop computing the same rows
 * (checked equal) and against alasql where alasql has the construct:
 *   1. expand + where + order by + limit
 *   2. group by with count/sum/avg
 *   3. date_format(create_time*1000, 'yyyy-MM-dd') on every row (alasql has no Java-pattern formatting),
 *      and 3b. the same to the second ('yyyy-MM-dd HH:mm:ss'), where each row's text differs
 * plus week()/month() buckets against the same bucket as arithmetic, like against alasql, the uncached parse
 * rate against alasql's parser on the same query text, and the cold start: the engine bundled alone,
 * imported in a fresh node process, and its first query there (target <= 5 ms).
 * Figures are rows per second (fastest of several timed runs after warm-up); ratio = hand-loop time /
 * engine time expressed as "engine is N× slower" (value > 1 means slower than the baseline).
 * Runnable alone: `npx tsx test/bench/cloud9ql.bench.ts`.
 */
import { deepStrictEqual } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import alasql from 'alasql';
import { bundleEntry } from '../../infra/bundle.ts';
import { parseCloud9QL, runCloud9QL } from '../../shared/cloud9ql/index.ts';
import { seededRng } from '../../shared/tiktok/sandbox/random.ts';
import type { BenchResult } from './types.ts';

const ROWS = 100_000;
const RUNS = 15;
const COLD_ROUNDS = 9;
const FIRST_QUERY_TARGET_MS = 5;
const run$ = promisify(execFile);

interface Video {
  id: string;
  create_time: number;
  title: string;
  video_description: string;
  duration: number;
  height: number;
  width: number;
  view_count: number;
  like_count: number;
  comment_count: number;
  share_count: number;
  share_url: string;
  embed_link: string;
  cover_image_url: string;
}

export function makeVideos(count: number, seed = 42): Video[] {
  const random = seededRng(seed); // the sandbox's PRNG: every run measures the same data
  const start = Date.UTC(2022, 0, 1) / 1000;
  const span = 3 * 365 * 86_400;
  const videos: Video[] = [];
  for (let i = 0; i < count; i++) {
    const views = Math.floor(random() ** 3 * 2_000_000);
    const id = `7${String(300000000000000000 + i * 7919).padStart(18, '0')}`;
    videos.push({
      id,
      create_time: start + Math.floor(random() * span),
      title: `Video ${i} ${['dance', 'recipe', 'travel', 'tips', 'vlog'][i % 5]}`,
      video_description: `Description of video ${i} #fyp`,
      duration: 5 + Math.floor(random() * 176),
      height: 1920,
      width: 1080,
      view_count: views,
      like_count: Math.floor(views * random() * 0.2),
      comment_count: Math.floor(views * random() * 0.01),
      share_count: Math.floor(views * random() * 0.005),
      share_url: `https://www.tiktok.com/@bench/video/${id}`,
      embed_link: `https://www.tiktok.com/embed/v2/${id}`,
      cover_image_url: `https://p16.example.com/${id}.jpeg`,
    });
  }
  return videos;
}

/**
 * Fastest of RUNS timed runs after warm-up. The minimum, not the median: the bench machines are shared
 * (2 cores, other suites running), and noise only ever adds time.
 */
function time(fn: () => unknown): number {
  for (let i = 0; i < 5; i++) fn();
  let best = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    fn();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

interface Case {
  name: string;
  query: string;
  hand: (videos: Video[]) => Record<string, unknown>[];
  alasql?: string;
  /** alasql gives groups in its own order: compare sorted. */
  unordered?: boolean;
  /** The same bucketing written as arithmetic in Cloud9QL: what a dedicated function should not cost much more than. */
  arithmetic?: string;
}

const CASES: Case[] = [
  {
    name: 'expand+where+order by+limit',
    query: 'select expand(data.videos); select title, view_count where view_count > 1000 order by view_count desc limit 10',
    hand: (videos) =>
      videos
        .filter((v) => v.view_count > 1000)
        .sort((a, b) => b.view_count - a.view_count)
        .slice(0, 10)
        .map((v) => ({ title: v.title, view_count: v.view_count })),
    alasql: 'SELECT title, view_count FROM ? WHERE view_count > 1000 ORDER BY view_count DESC LIMIT 10',
  },
  {
    name: 'group by with count/sum/avg',
    query: 'select expand(data.videos); select duration, count(*) as videos, sum(view_count) as views, avg(like_count) as avg_likes group by duration',
    hand: (videos) => {
      const groups = new Map<number, { duration: number; videos: number; views: number; likes: number }>();
      for (const v of videos) {
        let g = groups.get(v.duration);
        if (!g) {
          g = { duration: v.duration, videos: 0, views: 0, likes: 0 };
          groups.set(v.duration, g);
        }
        g.videos++;
        g.views += v.view_count;
        g.likes += v.like_count;
      }
      return [...groups.values()].map((g) => ({ duration: g.duration, videos: g.videos, views: g.views, avg_likes: g.likes / g.videos }));
    },
    alasql: 'SELECT duration, COUNT(*) AS videos, SUM(view_count) AS views, AVG(like_count) AS avg_likes FROM ? GROUP BY duration',
    unordered: true,
  },
  {
    name: 'date_format on every row',
    query: "select expand(data.videos); select id, date_format(create_time*1000, 'yyyy-MM-dd') as day",
    hand: (videos) => videos.map((v) => ({ id: v.id, day: new Date(v.create_time * 1000).toISOString().slice(0, 10) })),
  },
  {
    // Same, at second precision: every row has its own text, so the per-day memo cannot help.
    name: 'date_format to the second on every row',
    query: "select expand(data.videos); select id, date_format(create_time*1000, 'yyyy-MM-dd HH:mm:ss') as at",
    hand: (videos) => videos.map((v) => ({ id: v.id, at: new Date(v.create_time * 1000).toISOString().slice(0, 19).replace('T', ' ') })),
  },
  {
    // Date buckets: week() against the same bucket written as arithmetic on epoch seconds (1970-01-01 was a Thursday).
    name: 'week() bucket on every row',
    query: 'select expand(data.videos); select id, week(create_time) as w',
    hand: (videos) => videos.map((v) => {
      const day = Math.floor(v.create_time / 86_400);
      return { id: v.id, w: new Date((day - ((day + 3) % 7)) * 86_400_000).toISOString() };
    }),
    arithmetic: 'select expand(data.videos); select id, create_time - (create_time + 259200) % 604800 as w',
  },
  {
    name: 'month() bucket on every row',
    query: 'select expand(data.videos); select id, month(create_time) as m',
    hand: (videos) => videos.map((v) => {
      const d = new Date(v.create_time * 1000);
      return { id: v.id, m: new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).toISOString() };
    }),
    arithmetic: 'select expand(data.videos); select id, create_time - (create_time + 259200) % 604800 as m',
  },
  {
    name: "where like '%dance%'",
    query: "select expand(data.videos); select id, title where title like '%dance%'",
    hand: (videos) => videos.filter((v) => v.title.toLowerCase().includes('dance')).map((v) => ({ id: v.id, title: v.title })),
    alasql: "SELECT id, title FROM ? WHERE title LIKE '%dance%'",
  },
];

const byJson = (a: unknown, b: unknown) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * What a Lambda sees on a cold start: the engine bundled alone with the deploy settings (infra/bundle.ts),
 * imported in a fresh `node` process, then its first and second query on 20 rows (median of COLD_ROUNDS).
 */
async function coldStart(): Promise<BenchResult[]> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'bench-cloud9ql-'));
  try {
    const bundle = await bundleEntry('cloud9ql', path.resolve(import.meta.dirname, '../../shared/cloud9ql/index.ts'), outDir);
    const first = 'select display_name, follower_count where follower_count > 10 order by follower_count desc limit 5';
    const second = "select display_name, count(*) as n where display_name like '%1%' group by display_name";
    const script = [
      'const t0 = performance.now();',
      `const { runCloud9QL } = await import(${JSON.stringify(pathToFileURL(bundle.outfile).href)});`,
      'const t1 = performance.now();',
      "const rows = Array.from({ length: 20 }, (_, i) => ({ display_name: 'user' + i, follower_count: i * 3 }));",
      `runCloud9QL(${JSON.stringify(first)}, rows);`,
      'const t2 = performance.now();',
      `runCloud9QL(${JSON.stringify(second)}, rows);`,
      'const t3 = performance.now();',
      'process.stdout.write(JSON.stringify([t1 - t0, t2 - t1, t3 - t2]));',
    ].join('\n');
    const samples: number[][] = [];
    for (let i = 0; i < COLD_ROUNDS; i++) {
      const { stdout } = await run$(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000 });
      samples.push(JSON.parse(stdout) as number[]);
    }
    const [importMs, firstMs, secondMs] = [0, 1, 2].map((k) => median(samples.map((s) => s[k]!)));
    const note = `fresh node process, engine bundle ${(bundle.bytes / 1024).toFixed(1)} KiB (${(bundle.gzipBytes / 1024).toFixed(1)} KiB gzip), median of ${COLD_ROUNDS}`;
    return [
      { name: 'cold start: import of the engine bundle', value: importMs!, unit: 'ms', note },
      {
        name: 'cold start: first query (parse, compile, run on 20 rows)',
        value: firstMs!,
        unit: 'ms',
        target: `<= ${FIRST_QUERY_TARGET_MS} ms`,
        met: firstMs! <= FIRST_QUERY_TARGET_MS,
        note: `second query (group by + like) ${secondMs!.toFixed(2)} ms`,
      },
      { name: 'engine bundle size', value: bundle.bytes, unit: 'bytes', note: 'shared/cloud9ql/index.ts bundled alone (minified)' },
    ];
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchResult[]> {
  const cold = await coldStart();
  const videos = makeVideos(ROWS);
  const input = { data: { videos, cursor: 1703462400000, has_more: false } };
  const results: BenchResult[] = [];
  for (const c of CASES) {
    const ours = runCloud9QL(c.query, input);
    deepStrictEqual(ours, c.hand(videos), `${c.name}: engine and hand loop disagree`);
    const engineMs = time(() => runCloud9QL(c.query, input));
    const handMs = time(() => c.hand(videos.slice()));
    const rate = (ms: number) => Math.round(ROWS / (ms / 1000));
    results.push({
      name: `${c.name} (100k rows) vs hand loop`,
      value: rate(engineMs),
      unit: 'rows/s',
      baseline: { name: 'hand-written TS loop', value: rate(handMs) },
      ratio: engineMs / handMs,
      target: '<= 3x hand loop time',
      met: engineMs <= 3 * handMs,
      note: `engine ${engineMs.toFixed(1)} ms, hand ${handMs.toFixed(1)} ms`,
    });
    if (c.arithmetic) {
      const arithmetic = c.arithmetic;
      runCloud9QL(arithmetic, input);
      const arithmeticMs = time(() => runCloud9QL(arithmetic, input));
      results.push({
        name: `${c.name} (100k rows) vs arithmetic`,
        value: rate(engineMs),
        unit: 'rows/s',
        baseline: { name: 'epoch-second arithmetic bucket in Cloud9QL', value: rate(arithmeticMs) },
        ratio: engineMs / arithmeticMs,
        note: `arithmetic ${arithmeticMs.toFixed(1)} ms; the function also writes each bucket as ISO text`,
      });
    }
    if (c.alasql) {
      const sql = c.alasql;
      const theirs = alasql(sql, [videos]) as Record<string, unknown>[];
      deepStrictEqual(c.unordered ? [...ours].sort(byJson) : ours, c.unordered ? [...theirs].sort(byJson) : theirs, `${c.name}: engine and alasql disagree`);
      const alaMs = time(() => alasql(sql, [videos]));
      results.push({
        name: `${c.name} (100k rows) vs alasql`,
        value: rate(engineMs),
        unit: 'rows/s',
        baseline: { name: 'alasql', value: rate(alaMs) },
        ratio: engineMs / alaMs,
        target: 'faster than alasql (< 1x)',
        met: engineMs < alaMs,
        note: `alasql ${alaMs.toFixed(1)} ms`,
      });
    } else {
      results.push({ name: `${c.name} vs alasql`, value: rate(engineMs), unit: 'rows/s', note: 'n/a: alasql has no Java-pattern date_format or week/month bucket' });
    }
  }
  const text = CASES[0]!.query;
  const parseMs = time(() => { for (let i = 0; i < 1000; i++) parseCloud9QL(text); });
  const alaParseMs = time(() => { for (let i = 0; i < 1000; i++) alasql.parse(CASES[0]!.alasql!); });
  results.push({
    name: 'parse, uncached (query 1 text)',
    value: Math.round(1000 / (parseMs / 1000)),
    unit: 'queries/s',
    baseline: { name: 'alasql.parse (same query in SQL)', value: Math.round(1000 / (alaParseMs / 1000)) },
    ratio: parseMs / alaParseMs,
    note: 'runCloud9QL caches compiled queries (LRU), so this cost is paid once per distinct query',
  });
  return [...cold, ...results];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await run();
  const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2));
  const rows = results.map((r) => [
    r.name,
    `${fmt(r.value)} ${r.unit}`,
    r.baseline ? `${r.baseline.name}: ${fmt(r.baseline.value)}` : '',
    r.ratio !== undefined ? `${r.ratio.toFixed(2)}x` : '',
    r.target ? `${r.target} ${r.met ? 'met' : 'NOT met'}` : '',
    r.note ?? '',
  ]);
  const header = ['figure', 'value', 'baseline', 'time ratio', 'target', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log([line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n'));
}
