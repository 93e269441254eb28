/**
 * The import rules of test/dependency-cruiser.cjs (what `npm run depcheck` runs in CI): they fail on
 * a fixture with a deliberate cycle and a domain module importing shared/http, and pass on the
 * real codebase (with the known, named folder cycles as warnings only).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const config = path.join(root, 'test/dependency-cruiser.cjs');
const depcruise = path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  rule: { name: string; severity: string };
  from: string;
  to: string;
}

/** The violations, from the JSON report. */
function cruise(cwd: string, dirs: string[]): Violation[] {
  const run = spawnSync(process.execPath, [depcruise, '--config', config, '--output-type', 'json', ...dirs], { cwd, encoding: 'utf8', timeout: 60_000 });
  return (JSON.parse(run.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

/** The exit status of the command CI runs (`npm run depcheck`): non-zero when any rule at severity error is broken. */
function depcheckStatus(cwd: string, dirs: string[]): number | null {
  return spawnSync(process.execPath, [depcruise, '--config', config, '--output-type', 'err', ...dirs], { cwd, encoding: 'utf8', timeout: 60_000 }).status;
}

function writeTree(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

const fixtures: string[] = [];
function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'depcruise-'));
  fixtures.push(dir);
  writeTree(dir, { 'tsconfig.json': '{"compilerOptions":{"module":"nodenext","allowImportingTsExtensions":true,"noEmit":true}}', ...files });
  return dir;
}
afterAll(() => {
  for (const dir of fixtures) rmSync(dir, { recursive: true, force: true });
});

describe('import rules (npm run depcheck)', () => {
  it('fail on a cycle between two concern folders', () => {
    const dir = fixture({
      'shared/orders/order.ts': "import { price } from '../pricing/price.ts';\nexport const order = () => price() + 1;\n",
      'shared/pricing/price.ts': "import { order } from '../orders/order.ts';\nexport const price = () => (typeof order === 'function' ? 1 : 0);\n",
    });
    expect(depcheckStatus(dir, ['shared'])).not.toBe(0);
    const errors = cruise(dir, ['shared'])
      .filter((v) => v.rule.severity === 'error')
      .map((v) => v.rule.name);
    expect(errors).toContain('no-cycles');
    expect(errors).toContain('no-folder-cycles');
  });

  it('fail on a folder cycle made of modules that form no module cycle', () => {
    const dir = fixture({
      'shared/orders/a.ts': "import { b } from '../pricing/b.ts';\nexport const a = () => b;\n",
      'shared/pricing/b.ts': 'export const b = 1;\n',
      'shared/pricing/c.ts': "import { d } from '../orders/d.ts';\nexport const c = () => d;\n",
      'shared/orders/d.ts': 'export const d = 2;\n',
    });
    expect(depcheckStatus(dir, ['shared'])).not.toBe(0);
    const violations = cruise(dir, ['shared']);
    expect(violations.map((v) => `${v.rule.name} ${v.rule.severity}`)).toContain('no-folder-cycles error');
    expect(violations.map((v) => v.rule.name)).not.toContain('no-cycles');
  });

  it('fail when domain code imports shared/http', () => {
    const dir = fixture({
      'shared/http/validate.ts': 'export const check = (x: unknown) => x;\n',
      'shared/orders/order.ts': "import { check } from '../http/validate.ts';\nexport const order = () => check(1);\n",
      'shared/api/op.ts': "import { check } from '../http/validate.ts';\nexport const op = () => check(2);\n",
    });
    expect(depcheckStatus(dir, ['shared'])).not.toBe(0);
    const http = cruise(dir, ['shared']).filter((v) => v.rule.name === 'domain-not-http');
    expect(http.map((v) => `${v.from} ${v.rule.severity}`)).toEqual(['shared/orders/order.ts error']);
  });

  it('pass when only the edges import shared/http', () => {
    const dir = fixture({
      'shared/http/validate.ts': 'export const check = (x: unknown) => x;\n',
      'shared/api/op.ts': "import { check } from '../http/validate.ts';\nexport const op = () => check(2);\n",
      'shared/mcp/tool.ts': "import { check } from '../http/validate.ts';\nexport const tool = () => check(3);\n",
    });
    expect(depcheckStatus(dir, ['shared'])).toBe(0);
  });

  it('pass on a tree without cycles, type-only back-edges included', () => {
    const dir = fixture({
      'shared/orders/order.ts': "import { price } from '../pricing/price.ts';\nexport interface Order { n: number }\nexport const order = (): Order => ({ n: price() });\n",
      'shared/orders/admin.ts': "import type { Order } from './order.ts';\nexport const show = (o: Order) => o.n;\n",
      'shared/pricing/price.ts': 'export const price = () => 1;\n',
    });
    expect(cruise(dir, ['shared'])).toEqual([]);
  });

  it('pass on the codebase: no errors, only the named known folder cycles as warnings', () => {
    const violations = cruise(root, ['shared', 'functions', 'infra']);
    expect(violations.filter((v) => v.rule.severity === 'error')).toEqual([]);
    expect(new Set(violations.map((v) => v.rule.name))).toEqual(new Set(violations.length ? ['known-folder-cycle'] : []));
  }, 60_000);
});
