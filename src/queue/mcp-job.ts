import type { McpServerConfig } from '../org/schema.js';
import type { McpOffer } from '../tools/mcp/mcp-servers.js';
import type { McpCallPlace } from '../tools/mcp/mcp-tape.js';
import type { ToolResult } from '../tools/tool-result.js';
import { jobDigest, orgSlug } from './call-job.js';

/**
 * What an MCP job carries to a worker: the server's declaration from org.yaml (which names
 * environment variables, never their values: a worker reads those from its own environment
 * or `.env`), the caller's grants for that server, and what to do.
 */
export type McpJobData =
  | { kind: 'offer'; server: string; config: McpServerConfig; grants: string[] }
  | { kind: 'call'; server: string; config: McpServerConfig; grants: string[]; tool: string; args: unknown; place: McpCallPlace };

/** What an MCP job answers: the offer, or the call's result, exactly as a server run by the engine would give them. */
export type McpJobResult = McpOffer | ToolResult;

/**
 * The job id of one MCP call: the org (its name and folder), the turn, the agent and the
 * call's place among the agent's calls in the turn, and a digest of what is called and of
 * the turn's plan (`place.plan`: the same turn planned afresh runs its calls afresh). The same
 * call sent again (an engine that crashed before journaling its result) has the same id, and
 * BullMQ adds no job whose id it holds: the result already there is read, the tool does not run again.
 */
export function mcpJobId(orgName: string, root: string, data: Extract<McpJobData, { kind: 'call' }>): string {
  return `${orgSlug(orgName)}.t${data.place.turn}.${data.place.agent}.c${data.place.sequence}.${data.server}.${jobDigest(root, data)}`;
}
