import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { errorMessage } from '../errors.js';
import type { McpServerConfig, ModelEntry } from '../org/schema.js';
import { ProviderError } from '../providers/provider-error.js';
import { KEY_PREFIX, MCP_SERVERS_KEY, mcpQueueNameFor, MODELS_KEY, queueNameFor, type PublishedMcpServer, type PublishedModel } from './queue-keys.js';
import { connectionOptions, showAddress } from './redis-address.js';
import { liveWorkers, type WorkerAnnouncement } from './worker-presence.js';

/** One queue (a registry entry's, or an MCP server's), as the engine uses it: where to add jobs and where their results are announced. */
export interface OpenQueue {
  name: string;
  queue: Queue;
  events: QueueEvents;
}

/**
 * The engine's connections to the job queue: one BullMQ Queue and QueueEvents per
 * registry entry, opened on first use, and a plain client for the engine's own keys.
 * The first use checks that Redis answers, so a wrong address fails the run at once
 * with a clear error rather than leaving it waiting on reconnects.
 */
export class QueueClient {
  private readonly queues = new Map<string, Promise<OpenQueue>>();
  private readonly client: Redis;
  private reachable?: Promise<void>;

  constructor(readonly address: string) {
    this.client = new Redis({ ...connectionOptions(address), lazyConnect: true });
    // Errors surface through the commands that fail; ioredis would otherwise print them.
    this.client.on('error', () => undefined);
  }

  /** Resolves once Redis has answered a PING; rejects (fatally for the run) when it cannot be reached. */
  ready(): Promise<void> {
    this.reachable ??= checkReachable(this.address);
    return this.reachable;
  }

  /** The queue of one registry entry, published so workers can find it, with the entry's concurrency limit set on it. */
  modelQueue(modelKey: string, entry: ModelEntry): Promise<OpenQueue> {
    const published: PublishedModel = { modelKey, entry };
    // The entry's `concurrency` holds across all workers together, as it would in one process.
    return this.queueFor(queueNameFor(modelKey, entry), MODELS_KEY, published, entry.limits?.concurrency);
  }

  /** The queue of one of the org's MCP servers, published (its declaration, never a key) so workers can serve it. */
  mcpQueue(server: string, config: McpServerConfig): Promise<OpenQueue> {
    const published: PublishedMcpServer = { server, config };
    return this.queueFor(mcpQueueNameFor(server, config), MCP_SERVERS_KEY, published);
  }

  private queueFor(name: string, registry: string, published: object, concurrency?: number): Promise<OpenQueue> {
    let opened = this.queues.get(name);
    if (!opened) {
      opened = this.open(name, registry, published, concurrency);
      this.queues.set(name, opened);
      opened.catch(() => this.queues.delete(name));
    }
    return opened;
  }

  /** The workers whose heartbeat is live. */
  workers(): Promise<WorkerAnnouncement[]> {
    return liveWorkers(this.client);
  }

  async close(): Promise<void> {
    const opened = await Promise.allSettled(this.queues.values());
    for (const result of opened) {
      if (result.status !== 'fulfilled') continue;
      await result.value.events.close();
      await result.value.queue.close();
    }
    this.client.disconnect();
  }

  private async open(name: string, registry: string, published: object, concurrency: number | undefined): Promise<OpenQueue> {
    await this.ready();
    const connection = connectionOptions(this.address);
    const queue = new Queue(name, { connection, prefix: KEY_PREFIX });
    const events = new QueueEvents(name, { connection, prefix: KEY_PREFIX });
    // Every call waiting for its job listens on both: hundreds at once is normal here, not a leak.
    queue.setMaxListeners(0);
    events.setMaxListeners(0);
    await this.client.hset(registry, name, JSON.stringify(published));
    if (concurrency !== undefined) await queue.setGlobalConcurrency(concurrency);
    await events.waitUntilReady();
    return { name, queue, events };
  }
}

/** Resolves once Redis at the address answers a PING; a ProviderError (fatal) says why not. */
export async function checkReachable(address: string): Promise<void> {
  const probe = new Redis({ ...connectionOptions(address), lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 5_000 });
  // The connection's own error (ECONNREFUSED, a DNS failure) says more than the rejected connect ("Connection is closed").
  let cause: unknown;
  probe.on('error', (error: unknown) => (cause ??= error));
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new ProviderError(
      `cannot reach the queue at ${showAddress(address)}: ${errorMessage(cause ?? error)}; start Redis there (for example \`redis-server --port 6379\`) or fix --queue / org/org.yaml engine.queue`,
      { retryable: false, fatal: true, code: 'queue-unreachable' },
    );
  } finally {
    probe.disconnect();
  }
}
