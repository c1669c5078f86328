import { serveExampleTools } from '../../tools/example-server/example-server.js';

/**
 * `lemming example-tools`: lemming's example MCP server on standard input and output (word_count,
 * checklist), for an org's `mcp_servers` to start (`command: lemming, args: [example-tools]`).
 * Prints nothing of its own: standard output is the protocol's.
 */
export async function exampleToolsCommand(version: string): Promise<number> {
  await serveExampleTools(version);
  return 0;
}
