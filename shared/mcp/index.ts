/** The MCP endpoint's public entry (docs/mcp.md). */
export { handleMcpPost, mcpGetNotAllowed } from './http.ts';
export { mcpRequest, toolError, toolList, MCP_INSTRUCTIONS, type McpRequestContext } from './server.ts';
export { TOOLS, reportBodyJsonSchema, type ToolDef } from './tools.ts';
export type { McpDeps } from './deps.ts';
