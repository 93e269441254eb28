/** zod -> ValidationError: the first issue becomes a 400 whose message and `field` name the culprit. */
import * as z from 'zod/mini';
import '../zod-locale.ts';
import { ValidationError } from '../errors.ts';

export function fieldPath(path: ReadonlyArray<PropertyKey>, prefix?: string): string | undefined {
  const parts = path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)));
  const joined = parts.reduce((acc, p) => (p.startsWith('[') || !acc ? acc + p : `${acc}.${p}`), '');
  if (prefix && joined) return `${prefix}.${joined}`;
  return joined || prefix;
}

/**
 * Path of an own `__proto__` member (JSON.parse makes one), or undefined. zod's object schemas do not see
 * it as unknown, and copying it with spread or assignment sets a prototype instead of a member.
 */
function protoMemberPath(value: unknown, path: PropertyKey[] = [], depth = 0): PropertyKey[] | undefined {
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  if (!Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, '__proto__')) return [...path, '__proto__'];
  for (const [k, v] of Object.entries(value)) {
    const found = protoMemberPath(v, [...path, Array.isArray(value) ? Number(k) : k], depth + 1);
    if (found) return found;
  }
  return undefined;
}

export function parseOrThrow<S extends z.core.$ZodType>(schema: S, value: unknown, where?: string): z.output<S> {
  const proto = protoMemberPath(value);
  if (proto) {
    const field = fieldPath(proto, where);
    throw new ValidationError(`Unknown member "__proto__"${field && field !== '__proto__' ? ` at ${field}` : ''}: it is not accepted anywhere in a request.`, field);
  }
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = fieldPath(issue.path, where);
  const detail = issue.message;
  const message = field ? `Invalid ${field}: ${detail}` : `Invalid request: ${detail}`;
  throw new ValidationError(message, field, result.error.issues.length > 1 ? { issues: result.error.issues.length } : undefined);
}
