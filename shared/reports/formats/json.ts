import type { ReportResult } from '../../report-result/types.ts';

/** The API's JSON answer: `{rows, columns, meta}` with rows exactly as Cloud9QL returned them. */
export function renderJson(result: ReportResult) {
  return { body: JSON.stringify(result), contentType: 'application/json; charset=utf-8' };
}
