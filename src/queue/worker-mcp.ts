import { nameRecordOf } from '../org/names.js';
import type { McpServerConfig } from '../org/schema.js';
import type { KeyLookup } from '../secrets/key-lookup.js';
import { McpServers } from '../tools/mcp/mcp-servers.js';
import type { McpJobData, McpJobResult } from './mcp-job.js';
import type { PublishedMcpServer } from './queue-keys.js';

/**
 * A worker's side of the org's MCP servers: each published server runs here, started by
 * the first job that needs it and kept for the next, with the values of the variables its
 * declaration names read from this worker's environment or `.env` (a job names them, never
 * holds them). Results are what the engine's own McpServers would give, so a run through
 * workers journals the same bytes as a local one.
 */
export class WorkerMcp {
  private readonly running = new Map<string, McpServers>();

  constructor(
    private readonly root: string,
    private readonly lookup: KeyLookup,
  ) {}

  /** Why this worker cannot serve a published server (an HTTP header's variable it does not have), or undefined. */
  declines(published: PublishedMcpServer): string | undefined {
    const { config } = published;
    if ('command' in config) return undefined;
    const missing = Object.values(config.headers).filter((variable) => this.lookup(variable) === undefined);
    return missing.length === 0 ? undefined : `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set here`;
  }

  /**
   * Answer one job of a server's queue with the server the queue was published with (which `declines` checked), never
   * with the declaration the job carries: a job is anyone's to add who can write to Redis, and its declaration chose
   * the command this worker started.
   */
  async answer(queueName: string, published: PublishedMcpServer, data: McpJobData): Promise<McpJobResult> {
    const servers = this.serversFor(queueName, published.server, published.config);
    if (data.kind === 'offer') return servers.offer(data.grants);
    return servers.call(data.grants, published.server, data.tool, data.args);
  }

  private serversFor(queueName: string, server: string, config: McpServerConfig): McpServers {
    let servers = this.running.get(queueName);
    if (!servers) {
      // A job's server name is a key of a record without a prototype (see org/names.ts).
      const declared = nameRecordOf([[server, config]]);
      servers = new McpServers(this.root, () => declared, this.lookup);
      this.running.set(queueName, servers);
    }
    return servers;
  }

  /** Stop every server this worker started. */
  async close(): Promise<void> {
    const all = [...this.running.values()];
    this.running.clear();
    await Promise.all(all.map((servers) => servers.close()));
  }
}
