import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../shared/api/operations/index.ts';
import { FUNCTIONS } from '../../shared/topology/functions.ts';
import { ROUTES, routeKey } from '../../shared/topology/routes.ts';
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
