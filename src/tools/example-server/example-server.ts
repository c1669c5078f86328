import { TEXT_TOOLS } from './text-tools.js';

/**
 * lemming's example MCP server, over stdio: the text tools of text-tools.ts, with the official SDK's
 * server side (a dependency already, for the client). It is what the MCP example of docs/mcp.md declares
 * (`command: lemming, args: [example-tools]`), so the example runs after `npm install`, offline,
 * with nothing else to install. Resolves when the client closes the connection.
 */
export async function serveExampleTools(version: string): Promise<void> {
  const { Server } = await import('@modelcontextprotocol/sdk/server/index.js');
  const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
  const { CallToolRequestSchema, ListToolsRequestSchema } = await import('@modelcontextprotocol/sdk/types.js');
  const server = new Server({ name: 'lemming-example-tools', version }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: TEXT_TOOLS.map(({ name, description, inputSchema }) => ({ name, description, inputSchema })) }));
  server.setRequestHandler(CallToolRequestSchema, (request) => {
    const tool = TEXT_TOOLS.find((candidate) => candidate.name === request.params.name);
    if (!tool) return { content: [{ type: 'text', text: `no tool ${request.params.name}; the tools are ${TEXT_TOOLS.map((one) => one.name).join(', ')}` }], isError: true };
    const result = tool.run(request.params.arguments ?? {});
    return { content: [{ type: 'text', text: result.text }], ...(result.isError ? { isError: true } : {}) };
  });
  const closed = new Promise<void>((resolve) => (server.onclose = () => resolve()));
  await server.connect(new StdioServerTransport());
  await closed;
}
