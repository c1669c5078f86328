import type { Problem } from '../errors.js';
import type { Agent, Org } from '../org/org.js';
import type { ToolCall } from '../providers/provider.js';
import { commandTool, isOutsideTool, isResultTool, runsInSandbox } from './builtin-definitions.js';
import type { BuiltinOutcome, BuiltinToolContext } from './builtin-tools.js';
import type { McpServerConfig } from '../org/schema.js';
import { keyLookup } from '../secrets/key-lookup.js';
import { withoutSecrets } from '../secrets/secrets.js';
import { McpServers, resolveMcpName } from './mcp/mcp-servers.js';
import type { TapeReader, TapeWriter } from './tool-tape.js';
import { writeFileSync } from 'node:fs';
import type { McpAccess } from './mcp/mcp-tape.js';
import type { OutsideTools, ToolOffer } from './outside-tools.js';
import { throwIfStorageFailure } from '../storage/storage-error.js';
import { capResult, toolError } from './tool-result.js';
import { environment } from '../invocation.js';

/** What the engine tells the runner about a call: who makes it, where in the turn, with what credits. */
export type ToolCallContext = Omit<BuiltinToolContext, 'root'>;

/**
 * Where MCP calls run when not in this process: given the org's declared servers, an
 * McpAccess that runs them elsewhere (the queue's workers), or undefined to run them here.
 */
export type McpPlacement = (servers: () => Readonly<Record<string, McpServerConfig>>) => McpAccess | undefined;

/** The result of one call, and what it changed (a file written, a proposal made, a command run) for the log. */
export type ToolRun = BuiltinOutcome;

/** The tools tape beside a cassette: `run.jsonl` → `run.jsonl.tools.jsonl` (see tool-tape.ts). */
export function toolTapeFile(cassette: string): string {
  return `${cassette}.tools.jsonl`;
}

/** No tools beyond the built-ins, none withheld. */
const NOTHING_MORE: ToolOffer = { definitions: [], problems: [], withheld: [] };

/** Does `name` need the human's approval by org.yaml `needs_approval` (a built-in or command tool's name, `server/tool` or `server/*`)? */
function needsApproval(org: Org, name: string | undefined, server?: string, tool?: string): boolean {
  return org.needsApproval.some((entry) => entry === name || (server !== undefined && (entry === `${server}/*` || entry === `${server}/${tool}`)));
}

/**
 * The engine's one door to tools: given a call the model made, check it is granted,
 * hold it for approval if the registry says so, run it, and return its result. Tools
 * never write mail; the engine journals and logs what comes back.
 */
export class ToolRunner {
  /** The MCP servers as this run reaches them: live (here, or on the queue's workers), or none when it replays. */
  private readonly liveMcp: McpAccess | undefined;
  /** The tools tape, when the run records (`--record`) or replays (`--replay`): opened by the first tool used. */
  private readonly cassette: { record?: string; replay?: string };
  private tapeOpened: Promise<TapeWriter | TapeReader | undefined> | undefined;
  /** MCP and the outside tools as the run uses them, wrapped for the tape if there is one: built by first use. */
  private mcpAccess: Promise<McpAccess> | undefined;
  private outside: Promise<OutsideTools> | undefined;

  /**
   * With a cassette, MCP offers and results and commands' and fetches' results are recorded to (or
   * replayed from) the tape beside it. `mcp` may place live MCP calls elsewhere (on the queue's
   * workers); built-in tools, commands and fetches always run here (see docs/beyond-one-machine.md).
   */
  constructor(
    private readonly root: string,
    private readonly org: () => Org,
    options: { env?: NodeJS.ProcessEnv; record?: string; replay?: string; mcp?: McpPlacement } = {},
  ) {
    const servers = () => org().mcpServers;
    this.cassette = { ...(options.record !== undefined ? { record: options.record } : {}), ...(options.replay !== undefined ? { replay: options.replay } : {}) };
    // A recording's tape starts afresh now, used or not; its code is loaded by the first tool used.
    if (options.record !== undefined && options.replay === undefined) writeFileSync(toolTapeFile(options.record), '');
    this.liveMcp = options.replay !== undefined ? undefined : (options.mcp?.(servers) ?? new McpServers(root, servers, keyLookup(root, options.env ?? environment())));
  }

  private get replaying(): boolean {
    return this.cassette.replay !== undefined;
  }

  /** The tape, read (replay) or ready to append to (record); none for a plain run. */
  private tape(): Promise<TapeWriter | TapeReader | undefined> {
    this.tapeOpened ??= (async () => {
      const { replay, record } = this.cassette;
      if (replay === undefined && record === undefined) return undefined;
      const { TapeReader, TapeWriter } = await import('./tool-tape.js');
      return replay !== undefined ? new TapeReader(toolTapeFile(replay)) : new TapeWriter(toolTapeFile(record as string));
    })();
    return this.tapeOpened;
  }

  /** The org's MCP servers as this run uses them. */
  private mcp(): Promise<McpAccess> {
    this.mcpAccess ??= (async () => {
      const tape = await this.tape();
      if (!tape) return this.liveMcp as McpAccess;
      const { RecordingMcp, ReplayingMcp } = await import('./mcp/mcp-tape.js');
      return 'take' in tape ? new ReplayingMcp(tape, () => this.org().mcpServers) : new RecordingMcp(this.liveMcp as McpAccess, tape);
    })();
    return this.mcpAccess;
  }

  /** Commands, command tools, fetches and arithmetic as this run uses them: their code is loaded by the first call or offer that needs it. */
  private outsideTools(): Promise<OutsideTools> {
    this.outside ??= (async () => {
      const { LiveOutsideTools } = await import('./outside-tools.js');
      const tape = await this.tape();
      if (!tape) return new LiveOutsideTools();
      const { RecordingOutsideTools, ReplayingOutsideTools } = await import('./outside-tape.js');
      return 'take' in tape ? new ReplayingOutsideTools(tape, new LiveOutsideTools()) : new RecordingOutsideTools(new LiveOutsideTools(), tape);
    })();
    return this.outside;
  }

  /** True for a call whose result goes back to the model: a built-in like read_file, a command tool of the org, or a declared MCP server's tool. */
  returnsResult(name: string): boolean {
    return isResultTool(name) || commandTool(this.org(), name) !== undefined || resolveMcpName(this.org().mcpServers, name) !== undefined;
  }

  /**
   * The tools to offer an agent this turn beyond its built-ins: MCP tools (its servers start now, if
   * they are not running) and the org's command tools; and the granted ones withheld on this machine.
   */
  async offer(agent: Agent): Promise<ToolOffer> {
    const org = this.org();
    const mcp = agent.tools.some((grant) => grant.includes('/')) ? await (await this.mcp()).offer(agent.tools) : undefined;
    const sandboxed = agent.tools.some((name) => runsInSandbox(org, name));
    const outside = sandboxed ? await (await this.outsideTools()).offer(org, agent) : NOTHING_MORE;
    if (!mcp) return outside;
    if (!sandboxed) return { ...mcp, withheld: [] };
    return { definitions: [...mcp.definitions, ...outside.definitions], problems: [...mcp.problems, ...outside.problems], withheld: outside.withheld };
  }

  /**
   * Is a repeated run of this call harmless? Built-ins are (writes replace whole files; a fetch is a
   * GET); run_command is not; a command tool or an MCP server's tool when org.yaml says so.
   */
  idempotent(name: string): boolean {
    if (name === 'run_command') return false;
    const tool = commandTool(this.org(), name);
    if (tool) return tool.idempotent;
    const mcp = resolveMcpName(this.org().mcpServers, name);
    return mcp === undefined || (this.org().mcpServers[mcp.server]?.idempotent ?? false);
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
    const held = (name: string | undefined, server?: string, tool?: string): boolean => !options.approved && needsApproval(org, name, server, tool);
    if (call.argumentsError !== undefined) return { result: toolError(`${call.name}: the arguments are not valid JSON (${call.argumentsError})`) };
    const mcp = resolveMcpName(org.mcpServers, call.name);
    if (mcp) {
      if (held(undefined, mcp.server, mcp.tool)) return proposeToolCall({ ...context, root: this.root }, `${mcp.server}/${mcp.tool}`, call.arguments);
      const place = { turn: context.turn, agent: agent.name, sequence: context.sequence, ...(context.plan === undefined ? {} : { plan: context.plan }) };
      return { result: await (await this.mcp()).call(agent.tools, mcp.server, mcp.tool, call.arguments, place) };
    }
    const ownTool = commandTool(org, call.name) !== undefined;
    if (!isResultTool(call.name) && !ownTool) return { result: toolError(`there is no tool ${JSON.stringify(call.name.slice(0, 64))}`) };
    if (!agent.tools.includes(call.name)) {
      return { result: toolError(`the tool ${call.name} is not in your resume's tools (${agent.tools.join(', ') || 'none'})`) };
    }
    if (held(call.name)) return proposeToolCall({ ...context, root: this.root }, call.name, call.arguments);
    if (ownTool || isOutsideTool(call.name)) {
      // Commands, fetches and arithmetic: their code (and the sandbox's, mathjs, html-to-text) is loaded by the first such call.
      const outcome = await (await this.outsideTools()).run(call.name, call.arguments, context);
      return { ...outcome, result: capResult(outcome.result) };
    }
    const name = call.name;
    if (!isResultTool(name) || isOutsideTool(name)) return { result: toolError(`there is no tool ${JSON.stringify(name.slice(0, 64))}`) };
    const outcome = runBuiltinTool(name, call.arguments, { ...context, root: this.root });
    // A workspace file may hold a secret a person put there: the model reads it cut, as MCP results are (mcp-servers.ts).
    return { ...outcome, result: capResult(withoutSecrets(outcome.result)) };
  }

  /**
   * What a run says at its start about the tools that reach outside lemming's files (see
   * outside-warnings.ts): nothing is loaded or probed for an org that grants none of them.
   */
  async warnings(): Promise<Problem[]> {
    // Isolation switched off is said at every run. Whether commands can run here is found out (and
    // said, in one line) when an agent granted them is first called: a turn without one probes nothing.
    if (this.org().settings.sandbox.isolation !== 'none' || this.replaying) return [];
    const { isolationOffWarning } = await import('./outside-warnings.js');
    return [isolationOffWarning()];
  }

  /** Stop every MCP server this run started. */
  async close(): Promise<void> {
    await (this.mcpAccess ? (await this.mcpAccess).close() : this.liveMcp?.close());
  }
}
