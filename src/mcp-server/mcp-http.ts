import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { errorMessage } from '../errors.js';
import { withoutSecrets } from '../secrets/secrets.js';
import { createOrgMcpServer } from './org-mcp-server.js';

/**
 * One request to the dashboard's `/mcp` (streamable HTTP, stateless: each request its own server,
 * so nothing is kept between them), already let in by the dashboard's token. The seat is the
 * human's, or `?as=<seat>` for one org.yaml grants to outside programs.
 */
export async function handleMcpHttp(root: string, request: Request): Promise<Response> {
  const seat = new URL(request.url).searchParams.get('as') ?? undefined;
  let server: ReturnType<typeof createOrgMcpServer>;
  try {
    server = createOrgMcpServer(root, seat);
  } catch (error) {
    const message = withoutSecrets(errorMessage(error));
    return Response.json({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }, { status: 403 });
  }
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  try {
    return await transport.handleRequest(request);
  } finally {
    await server.close();
  }
}
