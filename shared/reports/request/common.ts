/** Request members every report type shares: the Cloud9QL query and the output format. */
import * as z from 'zod';
import { renderFormats } from '../render/formats.ts';

/** Longest Cloud9QL text accepted (the engine's own limit is the same; checked here for a 400 naming the field). */
export const MAX_CLOUD9QL_LENGTH = 10_000;

export function cloud9qlSchema(defaultQuery: string) {
  return z
    .string({ error: 'cloud9ql must be a string' })
    .max(MAX_CLOUD9QL_LENGTH, { error: `cloud9ql must be at most ${MAX_CLOUD9QL_LENGTH} characters` })
    .refine((q) => q.trim().length > 0, { error: 'cloud9ql must not be blank (omit it for the default query)' })
    .default(defaultQuery)
    .meta({
      description: `Cloud9QL post-processing, run on TikTok's JSON ({data:{...}}). Default: \`${defaultQuery}\`. Errors answer 422 with line and column.`,
      examples: [defaultQuery],
    });
}

export function formatSchema() {
  return z
    .enum(renderFormats(), { error: `format must be one of: ${renderFormats().join(', ')}` })
    .default('json')
    .meta({
      description:
        'json: {rows, columns, meta}. csv: RFC 4180 text/csv, nested objects flattened to dotted columns, arrays as JSON in one cell, ' +
        "text cells starting with = + - @ tab or CR prefixed with ' against formula injection. html: a self-contained page (charts and table).",
    });
}

/** Objects reject members they do not know (a typo such as `maxcount` must not be silently ignored). */
export function unknownMemberError(where: string) {
  return (issue: { code?: string; keys?: string[] }) =>
    issue.code === 'unrecognized_keys' ? `Unknown member${issue.keys!.length > 1 ? 's' : ''} ${issue.keys!.map((k) => `"${k}"`).join(', ')} in ${where}.` : undefined;
}
