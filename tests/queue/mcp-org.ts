import { join } from 'node:path';
import { agentOf, answer, wireOrg } from '../faults/wire-org.js';
import { writeFile } from '../faults/fault-org.js';
import { humanSends, read, REPO_ROOT } from '../helpers/temp-org.js';
import { chatCompletion } from '../helpers/vendor-bodies.js';
import type { ReceivedRequest, WireReply } from '../helpers/wire-server.js';

/** The reference MCP server from npm, run over stdio. */
const EVERYTHING = join(REPO_ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
/** A value only the workers hold: the org names the variable, a job must never carry its value. */
export const TOKEN = 'mcp-token-7d1f3a9c-only-on-workers';

/** A tool of the "everything" server the manager calls, with its arguments, and the words of its result the manager passes on. */
export interface McpTool {
  name: string;
  arguments: Record<string, unknown>;
  /** Picks the words to pass on out of the request that carries the tool's result; undefined until there is one. */
  said(body: string): string | undefined;
}

/** The echo tool: instant. */
export const ECHO: McpTool = { name: 'echo', arguments: { message: 'ship it on Friday' }, said: (body) => /Echo: ([^\\<]*)/.exec(body)?.[1]?.trim() };

/** A tool that takes `seconds` to answer, long enough to break something while a worker runs it. */
export function slowTool(seconds: number): McpTool {
  return {
    name: 'trigger-long-running-operation',
    arguments: { duration: seconds, steps: 1 },
    said: (body) => /(Long running operation completed\.[^\\<]*)/.exec(body)?.[1]?.trim(),
  };
}

/** The manager asks the MCP server's tool, then tells the human what came back; the coder has nothing to do. */
export function mcpModel(tool: McpTool = ECHO): (request: ReceivedRequest) => WireReply {
  return (request) => {
    if (agentOf(request) !== 'manager') return answer(request);
    const said = tool.said(JSON.stringify(request.body));
    if (said === undefined) {
      return { body: chatCompletion({ toolCalls: [{ name: `everything__${tool.name}`, arguments: tool.arguments }], usage: { prompt_tokens: 250, completion_tokens: 20 } }) };
    }
    return answer(request, { to: 'human', body: `The server said: ${said}` });
  };
}

/** The wire org with the "everything" server declared (naming the variable LEMMING_MCP_TOKEN) and one of its tools granted to the manager. */
export function mcpOrg(serverUrl: string, tool: McpTool = ECHO): string {
  const root = wireOrg(serverUrl);
  const orgYaml = read(root, 'org/org.yaml');
  writeFile(
    root,
    'org/org.yaml',
    `${orgYaml}mcp_servers:\n  everything:\n    command: ${JSON.stringify(process.execPath)}\n    args: [${JSON.stringify(EVERYTHING)}, stdio]\n    env: [LEMMING_MCP_TOKEN]\n    timeout_ms: 20000\n`,
  );
  writeFile(root, 'agents/manager/resume.md', `---\ntitle: Manager\nmodel: flaky-openai\ncredits: 10\ntools: [send_message, everything/${tool.name}]\n---\nUse the tool; report to the human.\n`);
  humanSends(root, 'manager', 'Ask the server to echo our plan.');
  return root;
}
