import { errorMessage } from '../../errors.js';
import type { McpServerConfig } from '../../org/schema.js';
import type { ToolDefinition } from '../../providers/provider.js';
import type { KeyLookup } from '../../secrets/key-lookup.js';
import { cutSecrets, withoutSecrets } from '../../secrets/secrets.js';
import { capResult, toolError, type ToolResult } from '../tool-result.js';
import type { McpConnection } from './mcp-connection.js';

/** Joins a server's name and its tool's in the name the model sees: `files__read_text_file`. */
export const MCP_NAME_SEPARATOR = '__';

/** The name a model calls an MCP tool by: letters, digits, `_` and `-`, at most 64 characters (what every vendor accepts). */
export function mcpToolName(server: string, tool: string): string {
  return `${server}${MCP_NAME_SEPARATOR}${tool}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
}

/** The server and tool a model's tool name means (`files__read_text_file`), when it names a declared server. Pure. */
export function resolveMcpName(servers: Readonly<Record<string, unknown>>, modelName: string): { server: string; tool: string } | undefined {
  for (const server of Object.keys(servers)) {
    const prefix = `${server}${MCP_NAME_SEPARATOR}`;
    if (modelName.startsWith(prefix) && modelName.length > prefix.length) return { server, tool: modelName.slice(prefix.length) };
  }
  return undefined;
}

/** Does a resume's tools list grant this server's tool (`server/*` or `server/tool`)? */
export function isGranted(grants: readonly string[], server: string, tool: string): boolean {
  return grants.includes(`${server}/*`) || grants.includes(`${server}/${tool}`);
}

/**
 * Whether `name` is the model's name (mcpToolName) of a tool of `server` that `grants` give: any of
 * the server's under `server/*`, else one a grant `server/tool` names. Pure.
 */
export function isGrantedName(grants: readonly string[], server: string, name: string): boolean {
  const prefix = `${server}${MCP_NAME_SEPARATOR}`;
  if (!name.startsWith(prefix) || name.length === prefix.length) return false;
  if (grants.includes(`${server}/*`)) return true;
  return grants.some((grant) => grant.startsWith(`${server}/`) && mcpToolName(server, grant.slice(server.length + 1)) === name);
}

/** The servers a resume grants anything of, in the order it lists them. */
export function grantedServers(grants: readonly string[]): string[] {
  return [...new Set(grants.filter((grant) => grant.includes('/')).map((grant) => grant.slice(0, grant.indexOf('/'))))];
}

/** The refusal of a call to a tool the resume does not grant, or undefined when it is granted. */
export function refusedCall(grants: readonly string[], server: string, tool: string): ToolResult | undefined {
  if (isGranted(grants, server, tool)) return undefined;
  return toolError(`the tool ${tool} of the MCP server ${server} is not granted to you (your resume's tools would need "${server}/${tool}" or "${server}/*")`);
}

/** What the model is told when a server's tools cannot be offered. */
export function unavailableTools(server: string, error: unknown): string {
  return `${unavailableOpening(server)}: ${errorMessage(error)}`;
}

function unavailableOpening(server: string): string {
  return `the tools of the MCP server ${server} are unavailable this turn`;
}

/**
 * Whether an offer's problem is unavailableTools (the server did not start, its worker failed, its offer
 * was refused whole): worth asking again next turn. A problem about the tools it listed (a name a
 * model cannot call, more than an offer holds) stays while the server runs.
 */
export function isUnavailable(server: string, problem: string): boolean {
  return problem.startsWith(unavailableOpening(server));
}

/** Offered MCP tools, and why some server's tools could not be offered. */
export interface McpOffer {
  definitions: ToolDefinition[];
  problems: string[];
}

/**
 * The org's MCP servers for one run: each starts when an agent first needs it, is
 * reused across turns, restarts if it died, and is stopped by `close` when the run
 * ends. Every failure becomes text for the model (and the log), never a thrown error.
 * What a server says (its tools, its results, its last words) comes back with the org's
 * secrets cut out: a server that prints its environment or quotes its headers gets
 * `[secret VARIABLE]` to the model, the journal, the tape and a worker's job.
 */
export class McpServers {
  private readonly connections = new Map<string, Promise<McpConnection>>();

  constructor(
    private readonly root: string,
    private readonly servers: () => Readonly<Record<string, McpServerConfig>>,
    /** The values of the variables a server's `env:` and `headers:` name. */
    private readonly lookup: KeyLookup,
  ) {}

  private connection(name: string): Promise<McpConnection> {
    const config = this.servers()[name];
    if (!config) return Promise.reject(new Error(`there is no MCP server ${name} in org/org.yaml mcp_servers`));
    let pending = this.connections.get(name);
    if (!pending) {
      // The connection's module (and through it the MCP SDK) is loaded by the first server started, not by every run.
      pending = import('./mcp-connection.js').then(({ connectMcpServer }) => connectMcpServer(name, config, this.root, this.lookup));
      this.connections.set(name, pending);
      // A failed start is tried again at the next use, not remembered as failed for the whole run.
      pending.catch(() => this.connections.delete(name));
    }
    return pending.then((connection) => {
      if (!connection.closed) return connection;
      this.connections.delete(name);
      return this.connection(name);
    });
  }

  /** The definitions of the MCP tools a resume grants, starting the servers it names. */
  async offer(grants: readonly string[]): Promise<McpOffer> {
    const definitions: ToolDefinition[] = [];
    const problems: string[] = [];
    // The offer's rule is loaded with the first offer, as the connection is: a run whose agents are granted no MCP tool loads neither.
    const { checkedOffer, cutDescription, heldToModelNames, heldToOfferLimit } = await import('./offer-gate.js');
    for (const server of grantedServers(grants)) {
      try {
        const tools = await (await this.connection(server)).tools();
        // A tool its model name would not lead back to is left out and said; then more than an offer holds: the first
        // the server lists, and the rest said (the engine's and a worker's offer alike).
        const callable = heldToModelNames(server, tools.filter((tool) => isGranted(grants, server, tool.name)), (name) => this.resolve(name));
        if (callable.problem !== undefined) problems.push(callable.problem);
        const held = heldToOfferLimit(server, callable.kept, grants);
        if (held.problem !== undefined) problems.push(held.problem);
        const offered = held.kept.map((tool) => ({ name: mcpToolName(server, tool.name), description: cutDescription(tool.description || `${tool.name} (MCP server ${server})`), parameters: tool.inputSchema }));
        const checked = checkedOffer(server, grants, { definitions: offered, problems: [] }, 'its list of tools', (name) => this.resolve(name));
        definitions.push(...checked.definitions);
        problems.push(...checked.problems);
      } catch (error) {
        // Cut as a worker's problems are (checkedOffer): the same words, whoever ran the server.
        problems.push(cutDescription(unavailableTools(server, error), 'problem'));
      }
    }
    return withoutSecrets({ definitions, problems });
  }

  /** The server and tool a model's tool name means, when it names a declared server. */
  resolve(modelName: string): { server: string; tool: string } | undefined {
    return resolveMcpName(this.servers(), modelName);
  }

  /** Is this server's tool safe to run twice (org.yaml `idempotent: true`)? */
  idempotent(server: string): boolean {
    return this.servers()[server]?.idempotent ?? false;
  }

  /** Call a granted tool. A refusal, a failed start, a timeout, a dead server or the tool's own error is an error result. */
  async call(grants: readonly string[], server: string, tool: string, args: unknown): Promise<ToolResult> {
    const refused = refusedCall(grants, server, tool);
    if (refused) return refused;
    const argumentsObject = args !== null && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
    try {
      const connection = await this.connection(server);
      const answer = await connection.call(tool, argumentsObject);
      // Cut before capped: a cap could leave half of a secret, which no cut would find.
      return capResult({ content: cutSecrets(answer.text), isError: answer.isError });
    } catch (error) {
      return toolError(`${server}/${tool} failed: ${errorMessage(error)}`);
    }
  }

  /** Stop every server this run started. */
  async close(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map((pending) => pending.then((connection) => connection.close()).catch(() => undefined)));
  }
}
