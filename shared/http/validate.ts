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

export function parseOrThrow<S extends z.core.$ZodType>(schema: S, value: unknown, where?: string): z.output<S> {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = fieldPath(issue.path, where);
  const detail = issue.message;
  const message = field ? `Invalid ${field}: ${detail}` : `Invalid request: ${detail}`;
  throw new ValidationError(message, field, result.error.issues.length > 1 ? { issues: result.error.issues.length } : undefined);
}
