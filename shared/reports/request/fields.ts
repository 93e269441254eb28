/**
 * `fields`: an array of names or one comma-separated string; each name trimmed, repeats dropped
 * (first occurrence wins, order kept), every name valid for the report type per THE field catalogue
 * (shared/tiktok FIELD_CATALOGUE, never a second list).
 */
import * as z from 'zod/mini';
import '../../zod-locale.ts';
import { reportFields, unknownFields, type ReportType as TikTokReportType } from '../../tiktok/index.ts';

export type FieldListResult = { ok: true; fields: string[] } | { ok: false; message: string };

/** Pure parsing, shared by the zod schema and unit tests. */
export function parseFieldList(reportType: TikTokReportType, value: unknown): FieldListResult {
  const valid = reportFields(reportType);
  const listing = `Valid fields for the ${reportType} report: ${valid.join(', ')}.`;
  let parts: unknown[];
  if (typeof value === 'string') parts = value.split(',');
  else if (Array.isArray(value)) parts = value;
  else return { ok: false, message: `fields must be an array of field names or a comma-separated string. ${listing}` };
  if (parts.some((p) => typeof p !== 'string')) {
    return { ok: false, message: `fields must contain only strings. ${listing}` };
  }
  const names = [...new Set((parts as string[]).map((p) => p.trim()).filter((p) => p.length > 0))];
  if (names.length === 0) return { ok: false, message: `fields must name at least one field. ${listing}` };
  const unknown = unknownFields(reportType, names);
  if (unknown.length > 0) {
    const quoted = unknown.map((f) => `"${f.length > 64 ? `${f.slice(0, 64)}…` : f}"`).join(', ');
    return { ok: false, message: `Unknown field${unknown.length > 1 ? 's' : ''} ${quoted}. ${listing}` };
  }
  return { ok: true, fields: names };
}

/**
 * The zod schema of `fields`. Its JSON Schema (OpenAPI) shows the catalogue as an enum; validation
 * runs through parseFieldList so that the 400 names the bad field and lists the valid ones under
 * `field: "fields"` rather than zod's generic per-item message.
 */
export function fieldsSchema(reportType: TikTokReportType) {
  const valid = reportFields(reportType);
  const commaSeparated = new RegExp(`^\\s*(${valid.join('|')})\\s*(,\\s*(${valid.join('|')})\\s*)*$`).source;
  const input = z.union([z.string(), z.array(z.unknown())], {
    error: (issue) =>
      issue.input === undefined
        ? `fields is required. Valid fields for the ${reportType} report: ${valid.join(', ')}.`
        : 'fields must be an array of field names or a comma-separated string.',
  });
  const toFields = z.transform((value: string | unknown[], ctx) => {
    const parsed = parseFieldList(reportType, value);
    if (!parsed.ok) {
      // zod/mini hands a transform the bare parse payload (no addIssue helper): the issue goes straight onto it.
      ctx.issues.push({ code: 'custom', message: parsed.message, input: value });
      return z.NEVER;
    }
    return parsed.fields;
  });
  return z.pipe(input, toFields).check(
    z.meta({
      description:
        'TikTok fields to request: an array of names or one comma-separated string. Names are trimmed and repeats dropped; ' +
        `every name must be one of: ${valid.join(', ')}. Each field needs a granted OAuth scope (403 scope_not_granted otherwise).`,
      anyOf: [
        { type: 'array', items: { type: 'string', enum: valid }, minItems: 1 },
        { type: 'string', pattern: commaSeparated, description: 'Comma-separated field names.' },
      ],
      examples: [valid.slice(0, 3), valid.slice(0, 3).join(',')],
    }),
  );
}
