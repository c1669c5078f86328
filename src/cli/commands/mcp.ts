import { requireOrgRoot } from '../../org/must-exist.js';
import { onStopSignals } from '../../ui/shared/stop-signals.js';
import type { Output } from '../cli-context.js';

/**
 * `lemming mcp [--as <seat>]`: the org as an MCP server on standard input and output, for a coding
 * agent in an editor (or any MCP client) to take part from the human's seat, or from a seat org.yaml
 * grants to outside programs. Standard output carries the protocol alone: anything for a person goes
 * to standard error. It runs until the client closes the connection, or Ctrl-C. It runs no turns.
 */
export async function mcpCommand(root: string, options: { as?: string }, output: Output): Promise<number> {
  requireOrgRoot(root);
  // The SDK's server side is loaded here: no other command pays for it.
  const [{ createOrgMcpServer }, { StdioServerTransport }] = await Promise.all([import('../../mcp-server/org-mcp-server.js'), import('@modelcontextprotocol/sdk/server/stdio.js')]);
  const server = createOrgMcpServer(root, options.as);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    // The client went away: standard input ends.
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  output.err(`lemming mcp: serving ${root} over stdio as ${options.as ?? 'human'}; it runs no turns (\`lemming run\` delivers what is sent)`);
  const dispose = onStopSignals(() => void server.close());
  await closed;
  dispose();
  await server.close();
  return 0;
}
