import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../shared/api/openapi-document.ts';
import { reportFields } from '../../shared/tiktok/index.ts';

const REPORTS = [
  ['profile', 'runProfileReport'],
  ['video-list', 'runVideoListReport'],
  ['video-query', 'runVideoQueryReport'],
] as const;

describe('OpenAPI of the report operations', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const paths = (openApiDocument() as any).paths;

  it.each(REPORTS)('%s documents fields from the catalogue, every error, and the CSV alternative', (type, operationId) => {
    const op = paths[`/v1/datasources/{id}/reports/${type}`].post;
    expect(op.operationId).toBe(operationId);
    const body = op.requestBody.content['application/json'];
    expect(body.schema.required).toContain('fields');
    expect(body.schema.properties.fields.anyOf[0].items.enum).toEqual(reportFields(type));
    expect(body.schema.properties.cloud9ql.maxLength).toBe(10_000);
    expect(body.schema.additionalProperties).toBe(false);
    expect(body.example).toBeDefined();
    for (const status of ['200', '400', '401', '403', '404', '409', '413', '422', '429', '502', '504']) expect(op.responses[status], status).toBeDefined();
    expect(Object.keys(op.responses['200'].content)).toEqual(expect.arrayContaining(['application/json', 'text/csv']));
    expect(op.responses['429'].headers['Retry-After']).toBeDefined();
  });

  it('documents the video-list limits', () => {
    const schema = paths['/v1/datasources/{id}/reports/video-list'].post.requestBody.content['application/json'].schema;
    expect(schema.properties.requestBody.required).toEqual(['max_count', 'cursor']);
    expect(schema.properties.requestBody.properties.max_count).toMatchObject({ type: 'integer', minimum: 1, maximum: 20 });
    expect(schema.properties.requestBody.properties.cursor).toMatchObject({ type: 'integer', minimum: 0 });
    expect(schema.properties.maxVideos).toMatchObject({ type: 'integer', minimum: 1, maximum: 10_000, default: 1_000 });
    const ids = paths['/v1/datasources/{id}/reports/video-query'].post.requestBody.content['application/json'].schema.properties.requestBody.properties.filters.properties.video_ids;
    expect(ids).toMatchObject({ type: 'array', minItems: 1, maxItems: 20 });
  });
});
