/**
 * The tools' input schemas are valid MCP tool definitions (the SDK's own ToolSchema, and JSON Schema
 * 2020-12 that compiles), and they stay in step with the HTTP API: every member is the schema the
 * published OpenAPI document (shared/api/openapi.json) gives the same member. A change to one
 * without the other fails here.
 */
import { ListToolsResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { describe, expect, it } from 'vitest';
import openapi from '../../shared/api/openapi.json' with { type: 'json' };
import { toolList } from '../../shared/mcp/server.ts';
import { OPERATIONS } from '../../shared/api/operations/index.ts';
import { REPORT_TYPES } from '../../shared/reports/index.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const paths = openapi.paths as Json;
const tools = toolList();
const tool = (name: string) => tools.find((t) => t.name === name)!.inputSchema as Json;
const param = (path: string, method: string, name: string) => (paths[path][method].parameters as Json[]).find((p) => p.name === name)!.schema;

describe('MCP tool schemas', () => {
  it('are valid tool definitions for the SDK, and its JSON Schema validator accepts the API\'s own examples', () => {
    expect(() => ListToolsResultSchema.parse({ tools })).not.toThrow();
    const validator = new AjvJsonSchemaValidator();
    const check = Object.fromEntries(tools.map((t) => [t.name, validator.getValidator(t.inputSchema as never)]));
    for (const type of REPORT_TYPES) {
      const example = structuredClone(OPERATIONS.find((o) => o.operationId === paths[`/v1/datasources/{id}/reports/${type}`].post.operationId)!.bodyExample) as Json;
      delete example.format;
      expect(check.run_report!({ datasourceId: 'ds_1', reportType: type, request: example }), type).toMatchObject({ valid: true });
    }
    expect(check.run_report!({ datasourceId: 'ds_1', reportType: 'history' })).toMatchObject({ valid: true });
    expect(check.run_report!({ datasourceId: 'ds_1', reportType: 'profile', request: { fields: 'id', bogus: 1 } })).toMatchObject({ valid: false });
    expect(check.list_runs!({ scheduleId: 'sch_1', limit: 5 })).toMatchObject({ valid: true });
    expect(check.cloud9ql_help!({})).toMatchObject({ valid: true });
  });

  it('run_report takes exactly the report bodies of the HTTP API, without format', () => {
    const branches = tool('run_report').properties.request.anyOf as Json[];
    expect(branches.map((b) => b.title)).toEqual([...REPORT_TYPES]);
    for (const type of REPORT_TYPES) {
      const http = structuredClone(paths[`/v1/datasources/{id}/reports/${type}`].post.requestBody.content['application/json'].schema) as Json;
      delete http.properties.format;
      const { title, ...branch } = branches.find((b) => b.title === type)!;
      expect(title).toBe(type);
      expect(branch).toEqual(http);
    }
    expect(tool('run_report').properties.datasourceId).toEqual(param('/v1/datasources/{id}/reports/profile', 'post', 'id'));
  });

  it('the other tools take the HTTP operations\' own params and queries', () => {
    expect(tool('get_datasource').properties.datasourceId).toEqual(param('/v1/datasources/{id}', 'get', 'id'));
    for (const name of ['limit', 'nextToken']) {
      expect(tool('list_datasources').properties[name]).toEqual(param('/v1/datasources', 'get', name));
      expect(tool('list_schedules').properties[name]).toEqual(param('/v1/schedules', 'get', name));
      expect(tool('list_runs').properties[name]).toEqual(param('/v1/schedules/{id}/runs', 'get', name));
    }
    expect(tool('list_runs').properties.scheduleId).toEqual(param('/v1/schedules/{id}/runs', 'get', 'id'));
    expect(tool('describe_fields').properties.datasourceId).toEqual(param('/v1/datasources/{id}/reports/profile', 'post', 'id'));
  });

  it('every tool refuses unknown members, as the API does', () => {
    for (const t of tools) expect((t.inputSchema as Json).additionalProperties, t.name).toBe(false);
  });
});
