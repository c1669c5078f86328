import { errorMessage } from '../errors.js';
import type { McpServerConfig } from '../org/schema.js';
import { isFatalProviderError } from '../providers/provider-error.js';
import { grantedServers, isUnavailable, refusedCall, resolveMcpName, unavailableTools, type McpOffer } from '../tools/mcp/mcp-servers.js';
import type { McpAccess, McpCallPlace } from '../tools/mcp/mcp-tape.js';
import { capResult, isToolResult, toolError, type ToolResult } from '../tools/tool-result.js';
import { mcpJobId, type McpJobData } from './mcp-job.js';
import type { QueueClient } from './queue-client.js';
import type { QueueCaller } from './queue-provider.js';
import type { WorkerWatch } from './worker-watch.js';

/** How long an offer's answer stays in Redis: it is asked for afresh by each run, so an hour is plenty. */
const KEEP_OFFERS_SECONDS = 60 * 60;

/**
 * The org's MCP servers run by workers: the engine asks a worker for a server's tools and
 * hands each call to the server's queue as a job, then journals the result as it would a
 * local one. Grants are checked here, before anything is queued. Every failure (the server
 * would not start on the worker, the job failed) is a result the model reads, as it is locally;
 * a failure of the queue itself (Redis silent too long, or losing jobs) stops the run instead.
 */
export class QueuedMcp implements McpAccess {
  /** Offers already answered this run, by server and grants: the tools of a running server do not change between turns. */
  private readonly offers = new Map<string, McpOffer>();

  constructor(
    private readonly session: () => Promise<{ client: QueueClient; watch: WorkerWatch }>,
    private readonly caller: QueueCaller,
    private readonly servers: () => Readonly<Record<string, McpServerConfig>>,
  ) {}

  async offer(grants: readonly string[]): Promise<McpOffer> {
    const offers = await Promise.all(grantedServers(grants).map((server) => this.offerOf(server, grants)));
    return { definitions: offers.flatMap((offer) => offer.definitions), problems: offers.flatMap((offer) => offer.problems) };
  }

  private async offerOf(server: string, allGrants: readonly string[]): Promise<McpOffer> {
    const config = this.servers()[server];
    if (!config) return { definitions: [], problems: [unavailableTools(server, `there is no MCP server ${server} in org/org.yaml mcp_servers`)] };
    const grants = allGrants.filter((grant) => grant.startsWith(`${server}/`));
    const key = JSON.stringify([server, config, grants]);
    const known = this.offers.get(key);
    if (known) return known;
    try {
      // What a worker put in Redis, which others can write: held to the rule a local server's list is (McpServers.offer),
      // loaded with the first offer (this module is loaded by every run, queued or not).
      const [answer, { checkedOffer }] = await Promise.all([this.run({ kind: 'offer', server, config, grants }), import('../tools/mcp/offer-gate.js')]);
      // The worker knows only this server; the names of its tools are held to every server the org declares here.
      const offer = checkedOffer(server, grants, answer, "its worker's offer", (name) => this.resolve(name));
      // A server that failed to start is asked again next time, as a local one is started again; an offer whose
      // tools came back is kept, its problems with them (a name clash, more than 128 tools) too: they stay while it runs.
      if (!offer.problems.some((problem) => isUnavailable(server, problem))) this.offers.set(key, offer);
      return offer;
    } catch (error) {
      if (isFatalProviderError(error)) throw error;
      return { definitions: [], problems: [unavailableTools(server, `its worker failed: ${errorMessage(error)}`)] };
    }
  }

  async call(grants: readonly string[], server: string, tool: string, args: unknown, place?: McpCallPlace): Promise<ToolResult> {
    const refused = refusedCall(grants, server, tool);
    if (refused) return refused;
    const config = this.servers()[server];
    if (!config) return toolError(`${server}/${tool} failed: there is no MCP server ${server} in org/org.yaml mcp_servers`);
    const serverGrants = grants.filter((grant) => grant.startsWith(`${server}/`));
    const data: McpJobData = { kind: 'call', server, config, grants: serverGrants, tool, args: args ?? {}, place: place ?? { turn: 0, agent: '', sequence: 0 } };
    try {
      return workerResult(await this.run(data, place === undefined ? undefined : mcpJobId(this.caller.orgName, this.caller.root, data)), `${server}/${tool}`);
    } catch (error) {
      if (isFatalProviderError(error)) throw error;
      return toolError(`${server}/${tool} failed on a worker: ${errorMessage(error)}`);
    }
  }

  private async run(data: McpJobData, jobId?: string): Promise<unknown> {
    // Loaded with the session, on the first MCP call through the queue: a local run never loads the queue's waiting.
    const [{ client, watch }, { runQueuedJob }, { mcpQueueNameFor }] = await Promise.all([this.session(), import('./queued-job.js'), import('./queue-keys.js')]);
    return runQueuedJob(watch, {
      queueName: mcpQueueNameFor(data.server, data.config),
      openQueue: () => client.mcpQueue(data.server, data.config),
      target: { kind: 'mcp-server', name: data.server },
      name: data.kind,
      data,
      ...(jobId === undefined ? { keepSeconds: KEEP_OFFERS_SECONDS } : { jobId }),
    });
  }

  resolve(name: string) {
    return resolveMcpName(this.servers(), name);
  }

  idempotent(server: string): boolean {
    return this.servers()[server]?.idempotent ?? false;
  }

  /** The run is over: its offers are asked for afresh by the next (servers on the workers stay up, theirs to stop). */
  async close(): Promise<void> {
    this.offers.clear();
  }
}

/**
 * A call's result as a worker put it in Redis, which others can write, held to what a local server's is (McpServers.call):
 * a text and a flag, capped at MAX_RESULT_CHARS. Anything else is the call's failure, which the model reads: a result
 * of `null` failed the agent's call with "Cannot read properties of null", and one of 20 million characters was journaled whole.
 */
function workerResult(value: unknown, name: string): ToolResult {
  if (!isToolResult(value)) return toolError(`${name} failed on a worker: its result was no tool result (a text \`content\` and a true or false \`isError\`)`);
  return capResult({ content: value.content, isError: value.isError });
}
