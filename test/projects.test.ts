/**
 * The fast project stays pure: a test file that starts a server or an embedded store, spawns a
 * process or drives a browser (itself or through a helper it imports from test/) must be listed as
 * slow in test/projects.ts. And every listed slow test still exists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isSlowTest, SLOW_TESTS } from './projects.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** What booting something looks like in a test or test helper. */
const BOOTS = /startTestRuntime|startLocalRuntime|startLocalDynamo|startLocalS3|createServer\(|\.listen\(|node:child_process|chromium|puppeteer|playwright|@duckdb\//;

function testFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : testFiles(rel);
    return e.name.endsWith('.test.ts') ? [rel] : [];
  });
}

/** The file and the test/ modules it imports, transitively (not shared/ or infra/: product code may hold a server for the runtime). */
function withTestHelpers(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file) || !existsSync(path.join(ROOT, file))) return [];
  seen.add(file);
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  for (const [, spec] of text.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec!));
    if (target.startsWith('test/')) withTestHelpers(target, seen);
  }
  return [...seen];
}

describe('fast and slow test projects', () => {
  const files = testFiles('test');
  const SELF = 'test/projects.test.ts'; // names the patterns it looks for

  it('every test that boots something is in the slow project', () => {
    const misplaced = files.filter((f) => f !== SELF && !isSlowTest(f) && withTestHelpers(f).some((m) => BOOTS.test(readFileSync(path.join(ROOT, m), 'utf8'))));
    expect(misplaced).toEqual([]);
  });

  it('every slow file listed exists', () => {
    const listed = SLOW_TESTS.filter((g) => !g.includes('*'));
    expect(listed.filter((f) => !files.includes(f))).toEqual([]);
  });
});
