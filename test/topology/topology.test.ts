import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../shared/api/operations/index.ts';
import { FUNCTIONS } from '../../shared/topology/functions.ts';
import { ROUTES, routeKey, routePath } from '../../shared/topology/routes.ts';
import { SCHEDULES } from '../../shared/topology/schedules.ts';

const root = path.resolve(import.meta.dirname, '..', '..');

describe('the route, function and schedule tables', () => {
  it('gives every function an existing entry module', () => {
    for (const f of FUNCTIONS) expect(existsSync(path.join(root, f.entry)), f.entry).toBe(true);
  });

  it('wires every route to a known function, once per method+path, with a documented operation', () => {
    const names = new Set(FUNCTIONS.map((f) => f.name));
    const ops = new Set(OPERATIONS.map((o) => o.operationId));
    const seen = new Set<string>();
    for (const r of ROUTES) {
      expect(names.has(r.functionName), r.functionName).toBe(true);
      expect(seen.has(routeKey(r)), routeKey(r)).toBe(false);
      seen.add(routeKey(r));
      expect(ops.has(r.operationId), `operation ${r.operationId}`).toBe(true);
    }
  });

  it('documents each operation once and only operations that have a route', () => {
    const ids = OPERATIONS.map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(ROUTES.some((r) => r.operationId === id), id).toBe(true);
  });

  it('targets known functions from every schedule rule', () => {
    const names = new Set(FUNCTIONS.map((f) => f.name));
    for (const s of SCHEDULES) expect(names.has(s.target)).toBe(true);
  });
});

describe('route paths come from the route table', () => {
  it('builds the path of a named route, parameters URL-encoded, and refuses a missing parameter', () => {
    expect(routePath('createExport')).toBe('/v1/datasources/{id}/exports');
    expect(routePath('createExport', { id: 'ds_1/..' })).toBe('/v1/datasources/ds_1%2F../exports');
    expect(routePath('openConnectLink', { linkId: 'cl_a b' })).toBe('/v1/connect/cl_a%20b');
    expect(() => routePath('getExport', {})).toThrow('needs the path parameter id');
    for (const r of ROUTES) expect(routePath(r.operationId)).toBe(r.path);
  });

  it('has no /v1/ path literal in shared/, functions/ or infra/local code outside the route table (comments aside)', () => {
    const files = ['shared', 'functions', path.join('infra', 'local')].flatMap((dir) =>
      readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && e.name.endsWith('.ts'))
        .map((e) => path.relative(root, path.join(e.parentPath, e.name))),
    );
    const literals = files
      .filter((f) => f !== path.join('shared', 'topology', 'routes.ts'))
      .flatMap((f) =>
        readFileSync(path.join(root, f), 'utf8')
          .split('\n')
          .map((line, i) => ({ where: `${f}:${i + 1}`, line }))
          // A path of ours: `/v1/` not inside a longer URL path segment (TikTok's player/v1/ is theirs).
          .filter(({ line }) => !/^\s*(\*|\/\/|\/\*)/.test(line) && /(^|[^\w.])\/v1\//.test(line)),
      );
    expect(literals.map((l) => l.where)).toEqual([]);
  });
});
