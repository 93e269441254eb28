/** POST /v1/mcp (the MCP server, stateless Streamable HTTP), GET /v1/mcp (405). */
import { mcpGet, mcpPost } from '../../shared/api/operations/mcp.ts';
import { httpHandler, routeDispatcher } from '../../shared/http/index.ts';
import { handleMcpPost, mcpGetNotAllowed } from '../../shared/mcp/index.ts';
import { defaultMcpDeps } from '../../shared/mcp/deps-default.ts';
import { requestDeadline } from '../../shared/reports/deadline.ts';

export const handler = routeDispatcher({
  mcpPost: httpHandler(mcpPost, (req) => handleMcpPost(req, { deps: defaultMcpDeps(), deadline: requestDeadline(req.lambdaContext) }), {
    rawBody: true,
  }),
  mcpGet: httpHandler(mcpGet, async (req) => mcpGetNotAllowed(req.requestId)),
});
