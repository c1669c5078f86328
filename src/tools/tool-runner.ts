import type { Agent, Org } from '../org/org.js';
import type { ToolCall } from '../providers/provider.js';
import { isResultTool } from './builtin-definitions.js';
import type { BuiltinOutcome, BuiltinToolContext } from './builtin-tools.js';
import type { McpServerConfig } from '../org/schema.js';
import { keyLookup } from '../secrets/key-lookup.js';
import { withoutSecrets } from '../secrets/secrets.js';
import { McpServers, type McpOffer } from './mcp/mcp-servers.js';
import { RecordingMcp, ReplayingMcp, toolTapeFile, type McpAccess } from './mcp/mcp-tape.js';
import { throwIfStorageFailure } from '../storage/storage-error.js';
import { capResult, toolError } from './tool-result.js';

/** What the engine tells the runner about a call: who makes it, where in the turn, with what credits. */
export type ToolCallContext = Omit<BuiltinToolContext, 'root'>;

/**
 * Where MCP calls run when not in this process: given the org's declared servers, an
 * McpAccess that runs them elsewhere (the queue's workers), or undefined to run them here.
 */
export type McpPlacement = (servers: () => Readonly<Record<string, McpServerConfig>>) => McpAccess | undefined;

/** The result of one call, and what it changed (a file written, a proposal made) for the log. */
export type ToolRun = BuiltinOutcome;

/** Does `name` need the human's approval by org.yaml `needs_approval` (a built-in name, `server/tool` or `server/*`)? */
function needsApproval(org: Org, builtin: string | undefined, server?: string, tool?: string): boolean {
  return org.needsApproval.some((entry) => entry === builtin || (server !== undefined && (entry === `${server}/*` || entry === `${server}/${tool}`)));
}

/**
 * The engine's one door to tools: given a call the model made, check it is granted,
 * hold it for approval if the registry says so, run it, and return its result. Tools
 * never write mail; the engine journals and logs what comes back.
 */
export class ToolRunner {
  readonly mcp: McpAccess;

  /**
   * With a cassette, MCP offers and results are recorded to (or replayed from) the tape beside it.
   * `mcp` may place live MCP calls elsewhere (on the queue's workers); built-in tools always run here.
   */
  constructor(
    private readonly root: string,
    org: () => Org,
    options: { env?: NodeJS.ProcessEnv; record?: string; replay?: string; mcp?: McpPlacement } = {},
  ) {
    const servers = () => org().mcpServers;
    if (options.replay !== undefined) this.mcp = new ReplayingMcp(toolTapeFile(options.replay), servers);
    else {
      const live = options.mcp?.(servers) ?? new McpServers(root, servers, keyLookup(root, options.env ?? process.env));
      this.mcp = options.record === undefined ? live : new RecordingMcp(live, toolTapeFile(options.record));
    }
  }

  /** True for a call whose result goes back to the model: a built-in like read_file, or a declared MCP server's tool. */
  returnsResult(name: string): boolean {
    return isResultTool(name) || this.mcp.resolve(name) !== undefined;
  }

  /** The MCP tools to offer an agent this turn (its servers start now, if they are not running). */
  offer(agent: Agent): Promise<McpOffer> {
    if (!agent.tools.some((grant) => grant.includes('/'))) return Promise.resolve({ definitions: [], problems: [] });
    return this.mcp.offer(agent.tools);
  }

  /** Is a repeated run of this call harmless? Built-ins are (writes replace whole files); MCP tools when their server says so. */
  idempotent(name: string): boolean {
    const mcp = this.mcp.resolve(name);
    return mcp === undefined || this.mcp.idempotent(mcp.server);
  }

  /**
   * Run a call that `returnsResult`. Every refusal and failure is a result the model reads: an
   * unexpected throw inside a tool (any errno, any bug) too, so a tool never fails a turn and the
   * answers that made the call are charged like any other.
   */
  async run(call: ToolCall, context: ToolCallContext, options: { approved?: boolean } = {}): Promise<ToolRun> {
    try {
      return await this.runUnguarded(call, context, options);
    } catch (error) {
      // A full or read-only disk is the org's failure, not the tool's: it stops the run (storage/storage-error.ts).
      throwIfStorageFailure(error);
      // Loaded by the first failure: a turn whose tools all work loads none of it.
      const { toolFailure } = await import('./tool-failure.js');
      return { result: toolFailure(call.name, error, { root: this.root, agent: context.agent }) };
    }
  }

  private async runUnguarded(call: ToolCall, context: ToolCallContext, options: { approved?: boolean }): Promise<ToolRun> {
    // The built-in tools (files, messages, proposals) are loaded by the first call: a turn in which nobody calls a tool loads none of them.
    const { proposeToolCall, runBuiltinTool } = await import('./builtin-tools.js');
    const { org, agent } = context;
    const held = (builtin: string | undefined, server?: string, tool?: string): boolean => !options.approved && needsApproval(org, builtin, server, tool);
    if (call.argumentsError !== undefined) return { result: toolError(`${call.name}: the arguments are not valid JSON (${call.argumentsError})`) };
    const mcp = this.mcp.resolve(call.name);
    if (mcp) {
      if (held(undefined, mcp.server, mcp.tool)) return proposeToolCall({ ...context, root: this.root }, `${mcp.server}/${mcp.tool}`, call.arguments);
      const place = { turn: context.turn, agent: agent.name, sequence: context.sequence };
      return { result: await this.mcp.call(agent.tools, mcp.server, mcp.tool, call.arguments, place) };
    }
    if (!isResultTool(call.name)) return { result: toolError(`there is no tool ${JSON.stringify(call.name.slice(0, 64))}`) };
    if (!agent.tools.includes(call.name)) {
      return { result: toolError(`the tool ${call.name} is not in your resume's tools (${agent.tools.join(', ') || 'none'})`) };
    }
    if (held(call.name)) return proposeToolCall({ ...context, root: this.root }, call.name, call.arguments);
    const outcome = runBuiltinTool(call.name, call.arguments, { ...context, root: this.root });
    // A workspace file may hold a secret a person put there: the model reads it cut, as MCP results are (mcp-servers.ts).
    return { ...outcome, result: capResult(withoutSecrets(outcome.result)) };
  }

  /** Stop every MCP server this run started. */
  close(): Promise<void> {
    return this.mcp.close();
  }
}
