import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../shared/http/openapi.ts';
import { OPERATIONS } from '../../shared/api/operations/index.ts';
import { HISTORY_METRICS } from '../../shared/history/report.ts';
import type { Json } from '../support/http.ts';
import { reportRequestSchema, REPORT_TYPES, renderFormats } from '../../shared/reports/index.ts';

describe('history in the API contract', () => {
  const doc = buildOpenApiDocument(OPERATIONS, { title: 't', version: '1', description: 'd' }) as Json;
  const op = doc.paths['/v1/datasources/{id}/reports/history'].post;

  it('documents every request member with its limits and an example, and stays valid OpenAPI 3.1', async () => {
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(op.operationId).toBe('runHistoryReport');
    const body = op.requestBody.content['application/json'];
    expect(Object.keys(body.schema.properties).sort()).toEqual(['cloud9ql', 'format', 'from', 'granularity', 'metrics', 'to', 'topVideos']);
    expect(body.schema.additionalProperties).toBe(false);
    expect(body.schema.properties.topVideos).toMatchObject({ minimum: 0, maximum: 50, default: 10 });
    expect(body.schema.properties.granularity.enum).toEqual(['day', 'week', 'month']);
    expect(body.schema.properties.format.enum).toEqual(['json', 'csv', 'html']);
    expect(JSON.stringify(body.schema.properties.metrics)).toContain('video_views');
    expect(body.example).toMatchObject({ from: '2024-06-01', granularity: 'day' });
    expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '401', '404', '413', '422', '429', '500']);
    // 429: the tenant's API request limit (rate_limited), with Retry-After.
    expect(op.responses['429'].headers['Retry-After']).toBeDefined();
    expect(Object.keys(op.responses['200'].content).sort()).toEqual(['application/json', 'text/csv', 'text/html']);
  });

  it('is a registered report type, schedulable, with html as a format for every type', () => {
    expect(REPORT_TYPES).toContain('history');
    expect(renderFormats()).toContain('html');
    const parsed = reportRequestSchema('history').parse({});
    expect(parsed).toMatchObject({ granularity: 'day', topVideos: 10, format: 'json', cloud9ql: 'select expand(data.periods);', metrics: [...HISTORY_METRICS] });
    expect(reportRequestSchema('history').parse({ metrics: ' video_views , follower_count,video_views' }).metrics).toEqual(['video_views', 'follower_count']);
    for (const t of REPORT_TYPES) expect(JSON.stringify(doc.paths['/v1/schedules'].post.requestBody.content['application/json'].schema)).toContain(`"${t}"`);
  });
});
