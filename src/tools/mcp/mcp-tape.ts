import { isToolResult, RESULT_RULE, toolError, type ToolResult } from '../tool-result.js';
import type { TapeReader, TapeWriter } from '../tool-tape.js';
import { grantedServers, isGrantedName, resolveMcpName, type McpOffer, type McpServers } from './mcp-servers.js';
import { offerProblem } from './offer-gate.js';

export { toolTapeFile } from '../tool-tape.js';

/** Where a call is made: its place in the turn names it (a worker's job for it is one job however often it is sent). */
export interface McpCallPlace {
  turn: number;
  agent: string;
  /** The call's place among the agent's calls in the turn (1, 2, …). */
  sequence: number;
  /** The plan of the turn (engine/turn/plan-calls.ts): the same turn planned afresh runs its calls afresh. */
  plan?: string;
}

/** What the engine uses of the org's MCP servers: live (McpServers, or QueuedMcp on workers), recorded or replayed. */
export interface McpAccess extends Pick<McpServers, 'offer' | 'resolve' | 'idempotent' | 'close'> {
  call(grants: readonly string[], server: string, tool: string, args: unknown, place?: McpCallPlace): Promise<ToolResult>;
}

const callKey = (server: string, tool: string, args: unknown): string => JSON.stringify([server, tool, args ?? {}]);

/** Live MCP servers whose offers and results are written to a tape, for `lemming run --record`. */
export class RecordingMcp implements McpAccess {
  constructor(
    private readonly inner: McpAccess,
    private readonly tape: TapeWriter,
  ) {}

  async offer(grants: readonly string[]): Promise<McpOffer> {
    const offer = await this.inner.offer(grants);
    this.tape.append({ kind: 'offer', key: grants.join(','), offer });
    return offer;
  }

  async call(grants: readonly string[], server: string, tool: string, args: unknown, place?: McpCallPlace): Promise<ToolResult> {
    const result = await this.inner.call(grants, server, tool, args, place);
    this.tape.append({ kind: 'call', key: callKey(server, tool, args), result });
    return result;
  }

  resolve(name: string) {
    return this.inner.resolve(name);
  }

  idempotent(server: string): boolean {
    return this.inner.idempotent(server);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * MCP offers and results answered from a tape, for `lemming run --replay`: no server
 * is started. A call the tape does not hold is an error result that says so.
 */
export class ReplayingMcp implements McpAccess {
  constructor(
    private readonly tape: TapeReader,
    private readonly servers: () => Readonly<Record<string, { idempotent: boolean }>>,
  ) {}

  async offer(grants: readonly string[]): Promise<McpOffer> {
    const entry = this.tape.take('offer', grants.join(','), (taken) => {
      const problem = offerProblem(taken.offer, (name) => grantedServers(grants).some((server) => isGrantedName(grants, server, name)));
      return problem === undefined ? undefined : `was refused: ${problem}`;
    });
    return entry ? (entry.offer as McpOffer) : { definitions: [], problems: [`no MCP tools were recorded for the grants ${grants.join(', ')}`] };
  }

  async call(_grants: readonly string[], server: string, tool: string, args: unknown): Promise<ToolResult> {
    const entry = this.tape.take('call', callKey(server, tool, args), (taken) => (isToolResult(taken.result) ? undefined : RESULT_RULE));
    return entry ? (entry.result as ToolResult) : toolError(`${server}/${tool} with these arguments is not in the recording being replayed`);
  }

  resolve(name: string) {
    return resolveMcpName(this.servers(), name);
  }

  idempotent(server: string): boolean {
    return this.servers()[server]?.idempotent ?? false;
  }

  async close(): Promise<void> {}
}
