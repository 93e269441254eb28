/** The MCP endpoint's public entry (docs/mcp.md). */
export { handleMcpPost, mcpGetNotAllowed } from './http.ts';
