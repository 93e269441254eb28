/** Request members every report type shares: the Cloud9QL query and the output format. */
import * as z from 'zod/mini';
import '../../zod-locale.ts';
import { renderFormats } from '../formats/names.ts';

/** Longest Cloud9QL text accepted (the engine's own limit is the same; checked here for a 400 naming the field). */
export const MAX_CLOUD9QL_LENGTH = 10_000;

export function cloud9qlSchema(defaultQuery: string) {
  const query = z
    .string({ error: 'cloud9ql must be a string' })
    .check(
      z.maxLength(MAX_CLOUD9QL_LENGTH, { error: `cloud9ql must be at most ${MAX_CLOUD9QL_LENGTH} characters` }),
      z.refine((q) => q.trim().length > 0, { error: 'cloud9ql must not be blank (omit it for the default query)' }),
    );
  return z._default(query, defaultQuery).check(
    z.meta({
      description: `Cloud9QL post-processing, run on TikTok's JSON ({data:{...}}). Default: \`${defaultQuery}\`. Errors answer 422 with line and column.`,
      examples: [defaultQuery],
    }),
  );
}

export function formatSchema() {
  return z._default(z.enum(renderFormats(), { error: `format must be one of: ${renderFormats().join(', ')}` }), 'json').check(
    z.meta({
      description:
        'json: {rows, columns, meta}. csv: RFC 4180 text/csv, nested objects flattened to dotted columns, arrays as JSON in one cell, ' +
        "text cells starting with = + - @ tab or CR prefixed with ' against formula injection. html: a self-contained page (charts and table).",
    }),
  );
}

/** Objects reject members they do not know (a typo such as `maxcount` must not be silently ignored). */
export function unknownMemberError(where: string) {
  return (issue: { code?: string; keys?: string[] }) =>
    issue.code === 'unrecognized_keys' ? `Unknown member${issue.keys!.length > 1 ? 's' : ''} ${issue.keys!.map((k) => `"${k}"`).join(', ')} in ${where}.` : undefined;
}
