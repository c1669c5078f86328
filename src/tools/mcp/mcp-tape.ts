import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { LemmingError } from '../../errors.js';
import { cutSecrets } from '../../secrets/secrets.js';
import { toolError, type ToolResult } from '../tool-result.js';
import { resolveMcpName, type McpOffer, type McpServers } from './mcp-servers.js';

/** Where a call is made: its place in the turn names it (a worker's job for it is one job however often it is sent). */
export interface McpCallPlace {
  turn: number;
  agent: string;
  /** The call's place among the agent's calls in the turn (1, 2, …). */
  sequence: number;
}

/** What the engine uses of the org's MCP servers: live (McpServers, or QueuedMcp on workers), recorded or replayed. */
export interface McpAccess extends Pick<McpServers, 'offer' | 'resolve' | 'idempotent' | 'close'> {
  call(grants: readonly string[], server: string, tool: string, args: unknown, place?: McpCallPlace): Promise<ToolResult>;
}

/** One line of a tool tape: the tools offered for a set of grants, or a call and its result. */
type TapeEntry = { kind: 'offer'; key: string; offer: McpOffer } | { kind: 'call'; key: string; result: ToolResult };

/** The tape beside a cassette: `run.jsonl` → `run.jsonl.tools.jsonl`. */
export function toolTapeFile(cassette: string): string {
  return `${cassette}.tools.jsonl`;
}

const callKey = (server: string, tool: string, args: unknown): string => JSON.stringify([server, tool, args ?? {}]);

/** Live MCP servers whose offers and results are written to a tape, for `lemming run --record`. */
export class RecordingMcp implements McpAccess {
  constructor(
    private readonly inner: McpAccess,
    private readonly file: string,
  ) {
    writeFileSync(file, '');
  }

  private append(entry: TapeEntry): void {
    appendFileSync(this.file, cutSecrets(`${JSON.stringify(entry)}\n`));
  }

  async offer(grants: readonly string[]): Promise<McpOffer> {
    const offer = await this.inner.offer(grants);
    this.append({ kind: 'offer', key: grants.join(','), offer });
    return offer;
  }

  async call(grants: readonly string[], server: string, tool: string, args: unknown, place?: McpCallPlace): Promise<ToolResult> {
    const result = await this.inner.call(grants, server, tool, args, place);
    this.append({ kind: 'call', key: callKey(server, tool, args), result });
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
  private readonly entries = new Map<string, TapeEntry[]>();

  constructor(
    file: string,
    private readonly servers: () => Readonly<Record<string, { idempotent: boolean }>>,
  ) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      // A recording of an org with no MCP servers has no tape; any MCP use then says it was not recorded.
    }
    text.split('\n').forEach((line, index) => {
      if (line.trim() === '') return;
      let entry: TapeEntry;
      try {
        entry = JSON.parse(line) as TapeEntry;
      } catch {
        throw new LemmingError('cassette-invalid', `${file}:${index + 1}: is not JSON; a tool tape holds one JSON object per line`);
      }
      const id = `${entry.kind}\n${entry.key}`;
      this.entries.set(id, [...(this.entries.get(id) ?? []), entry]);
    });
  }

  private take(kind: TapeEntry['kind'], key: string): TapeEntry | undefined {
    const list = this.entries.get(`${kind}\n${key}`);
    // Recorded in order; past the last, the last again (a turn finished after a stop asks again).
    return list && list.length > 1 ? list.shift() : list?.[0];
  }

  async offer(grants: readonly string[]): Promise<McpOffer> {
    const entry = this.take('offer', grants.join(','));
    return entry?.kind === 'offer' ? entry.offer : { definitions: [], problems: [`no MCP tools were recorded for the grants ${grants.join(', ')}`] };
  }

  async call(_grants: readonly string[], server: string, tool: string, args: unknown): Promise<ToolResult> {
    const entry = this.take('call', callKey(server, tool, args));
    return entry?.kind === 'call' ? entry.result : toolError(`${server}/${tool} with these arguments is not in the recording being replayed`);
  }

  resolve(name: string) {
    return resolveMcpName(this.servers(), name);
  }

  idempotent(server: string): boolean {
    return this.servers()[server]?.idempotent ?? false;
  }

  async close(): Promise<void> {}
}
