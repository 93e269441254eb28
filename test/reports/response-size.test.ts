import { describe, expect, it } from 'vitest';
import { MAX_RESPONSE_BYTES } from '../../shared/http/index.ts';
import { reportResponse } from '../../shared/http/report-response.ts';
import type { ReportResult } from '../../shared/report-result/types.ts';

function videoList(rows: number, titleLength: number): ReportResult {
  const list = Array.from({ length: rows }, (_, i) => ({ id: String(7_380_000_000_000_000_000n + BigInt(i)), title: `"t"\n${'x'.repeat(titleLength)}`, view_count: i }));
  return {
    rows: list,
    columns: ['id', 'title', 'view_count'],
    meta: { reportType: 'video-list', datasourceId: 'ds_sample', fetchedAt: '2024-08-30T06:00:00.000Z', pages: 1, cursor: null, hasMore: false },
  } as ReportResult;
}

describe('report responses over the Lambda response limit', () => {
  it('the limit is Lambda\'s 6 MB, in one place', () => {
    expect(MAX_RESPONSE_BYTES).toBe(6 * 1024 * 1024);
  });
  it.each(['json', 'csv', 'html'])('%s: 413 response_too_large telling the caller how to ask for less', (format) => {
    const big = videoList(5_000, 1_400); // about 7 MB of titles (the HTML table shows 5,000 rows)
    expect(() => reportResponse(big, format)).toThrow(
      expect.objectContaining({
        kind: 'too_large',
        code: 'response_too_large',
        message: expect.stringMatching(/maxVideos.*cursor.*Cloud9QL.*POST \/v1\/datasources\/ds_sample\/exports.*POST \/v1\/datasources\/\{id\}\/exports/s),
        details: expect.objectContaining({ limitBytes: MAX_RESPONSE_BYTES, exportPath: '/v1/datasources/ds_sample/exports' }),
      }),
    );
  });
  it.each(['json', 'csv', 'html'])('%s: a report under the limit is answered as before', (format) => {
    const res = reportResponse(videoList(1000, 400), format);
    expect(res.statusCode).toBe(200);
  });
});
