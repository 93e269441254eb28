/**
 * Loads and invokes the same handler modules that deploy (shared/topology/functions.ts), the
 * way Lambda would: one module instance per function, imported on first use.
 */
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { FUNCTIONS, type FunctionName } from '../../shared/topology/functions.ts';
import { localLambdaContext } from './lambda-context.ts';

type AnyHandler = (event: unknown, context: ReturnType<typeof localLambdaContext>) => Promise<unknown>;

const REPO_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const loaded = new Map<string, Promise<AnyHandler>>();

function load(name: FunctionName): Promise<AnyHandler> {
  let p = loaded.get(name);
  if (!p) {
    const spec = FUNCTIONS.find((f) => f.name === name);
    if (!spec) throw new Error(`Unknown function ${name}`);
    p = import(pathToFileURL(path.join(REPO_ROOT, spec.entry)).href).then((m: { handler?: AnyHandler }) => {
      if (typeof m.handler !== 'function') throw new Error(`${spec.entry} does not export a handler`);
      return m.handler;
    });
    loaded.set(name, p);
  }
  return p;
}

export async function invokeFunction(name: FunctionName, event: unknown): Promise<unknown> {
  const handler = await load(name);
  const spec = FUNCTIONS.find((f) => f.name === name)!;
  return handler(event, localLambdaContext(name, spec.timeoutSeconds * 1000));
}
