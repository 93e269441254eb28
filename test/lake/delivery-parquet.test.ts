/** Schedules deliver Parquet: column types from the report's fields, computed columns typed from their values. */
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { reportPort } from '../../shared/delivery/default-deps.ts';
import type { ReportResult } from '../../shared/report-result/types.ts';
import { renderFormats } from '../../shared/reports/formats/names.ts';
import { definitionFromBody, scheduleBodySchema } from '../../shared/schedules/definition.ts';
import { parseOrThrow } from '../../shared/validation/index.ts';

const result: ReportResult = {
  rows: [
    { id: '7300000000000000001', title: 'Tacos ✨', create_time: 1_717_200_000, view_count: 1200, like_count: 90, engagement: 0.075, is_aigc: false, tags: ['a'] },
    { id: '7300000000000000002', title: null, create_time: 1_717_100_000, view_count: 2 ** 40, like_count: 3, engagement: 1, is_aigc: true, tags: [] },
  ],
  columns: ['id', 'title', 'create_time', 'view_count', 'like_count', 'engagement', 'is_aigc', 'tags'],
  meta: { reportType: 'video-list', datasourceId: 'ds_x', fetchedAt: '2024-06-01T00:00:00.000Z', pages: 1, cursor: null, hasMore: false },
};

describe('Parquet deliveries', () => {
  it('types columns from the report fields: int64 counters, UTC timestamps, UTF-8 strings, booleans; computed columns by value', async () => {
    const rendered = reportPort.render(result, 'parquet');
    expect(rendered.contentType).toBe('application/vnd.apache.parquet');
    expect(reportPort.extension('parquet')).toBe('parquet');
    const file = (rendered.body as Uint8Array).slice().buffer;
    const schema = Object.fromEntries(parquetMetadata(file).schema.slice(1).map((e) => [e.name, e]));
    expect(schema.view_count).toMatchObject({ type: 'INT64' });
    expect(schema.create_time).toMatchObject({ type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true } });
    expect(schema.title).toMatchObject({ type: 'BYTE_ARRAY', converted_type: 'UTF8' });
    expect(schema.id).toMatchObject({ type: 'BYTE_ARRAY', converted_type: 'UTF8' });
    expect(schema.is_aigc).toMatchObject({ type: 'BOOLEAN' });
    expect(schema.engagement).toMatchObject({ type: 'DOUBLE' });
    const rows = await parquetReadObjects({ file });
    expect(rows[0]).toMatchObject({ id: '7300000000000000001', title: 'Tacos ✨', view_count: 1200n, engagement: 0.075, is_aigc: false, tags: '["a"]' });
    expect((rows[0]!.create_time as Date).toISOString()).toBe('2024-06-01T00:00:00.000Z');
    expect(rows[1]).toMatchObject({ title: null, view_count: 2n ** 40n });
  });

  it('a declared integer field whose values are not integers (an average) falls back to double', async () => {
    const avg: ReportResult = { ...result, rows: [{ view_count: 10.5 }, { view_count: 3 }], columns: ['view_count'] };
    const file = (reportPort.render(avg, 'parquet').body as Uint8Array).slice().buffer;
    expect(parquetMetadata(file).schema[1]).toMatchObject({ name: 'view_count', type: 'DOUBLE' });
  });

  it('schedules accept format "parquet"; the API report formats do not change', () => {
    const def = definitionFromBody(parseOrThrow(scheduleBodySchema(), {
      name: 'Videos as Parquet',
      datasourceId: 'ds_x',
      reportType: 'video-list',
      fields: 'id,title,view_count,create_time',
      requestBody: { max_count: 20, cursor: 0 },
      format: 'parquet',
      schedule: 'cron(0 8 * * ? *)',
    }));
    expect(def.request.format).toBe('parquet');
    expect(renderFormats()).not.toContain('parquet');
  });
});
