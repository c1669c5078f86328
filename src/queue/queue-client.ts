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

/** What the engine publishes about a queue, so that it can publish it again into a Redis that lost it. */
interface Publication {
  registry: string;
  text: string;
  concurrency: number | undefined;
}

/** How long the engine's own commands (the watch's looks) may go unanswered before Redis counts as silent. */
const COMMAND_TIMEOUT_MS = 5_000;

/** How long closing waits for Redis to say goodbye before the connections are simply dropped. */
const CLOSE_WAIT_MS = 1_000;

/**
 * The engine's connections to the job queue: one BullMQ Queue and QueueEvents per
 * registry entry, opened on first use, and a plain client for the engine's own keys.
 * The first use checks that Redis answers, so a wrong address fails the run at once
 * with a clear error rather than leaving it waiting on reconnects. The plain client
 * queues nothing while Redis is away: the watch's looks fail at once, and say so.
 */
export class QueueClient {
  private readonly queues = new Map<string, Promise<OpenQueue>>();
  /** Every Queue and QueueEvents made, opened or still opening: closing drops them all. */
  private readonly made: Array<Queue | QueueEvents> = [];
  private readonly published = new Map<string, Publication>();
  private readonly client: Redis;
  private lastError: unknown;
  private reachable?: Promise<void>;

  constructor(readonly address: string) {
    this.client = new Redis({ ...connectionOptions(address), lazyConnect: true, enableOfflineQueue: false, commandTimeout: COMMAND_TIMEOUT_MS });
    // Errors surface through the commands that fail (with this one as their cause); ioredis would otherwise print them.
    this.client.on('error', (error: unknown) => (this.lastError = error));
    this.client.on('ready', () => (this.lastError = undefined));
  }

  /** Resolves once Redis has answered a PING; rejects (fatally for the run) when it cannot be reached. */
  ready(): Promise<void> {
    // The plain client reconnects by itself after a failed first connect: its commands fail meanwhile, and the watch says so.
    this.reachable ??= checkReachable(this.address).then(() => this.client.connect().catch(() => undefined));
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
      opened = this.open(name, { registry, text: JSON.stringify(published), concurrency });
      this.queues.set(name, opened);
      opened.catch(() => this.queues.delete(name));
    }
    return opened;
  }

  /** The workers whose heartbeat is live. */
  async workers(): Promise<WorkerAnnouncement[]> {
    try {
      // Not before the plain client has connected: it queues nothing, and would fail as if Redis were away.
      await this.ready();
      return await liveWorkers(this.client);
    } catch (error) {
      throw this.explained(error);
    }
  }

  /**
   * Publish every queue opened so far again, with its concurrency limit: a Redis restarted
   * without persistence, or emptied, lost them, and a worker started since would never find
   * them. True when Redis had lost at least one (so it lost everything else of ours too).
   */
  async republish(): Promise<boolean> {
    if (this.published.size === 0) return false;
    try {
      await this.ready();
      const pipeline = this.client.pipeline();
      for (const [name, publication] of this.published) pipeline.hset(publication.registry, name, publication.text);
      const results = (await pipeline.exec()) ?? [];
      for (const [error] of results) if (error) throw error;
      // HSET answers 1 for a field it did not hold: Redis had lost what was published.
      const lost = [...this.published].filter((_, index) => results[index]?.[1] === 1);
      for (const [name, publication] of lost) {
        if (publication.concurrency !== undefined) await (await this.queues.get(name))?.queue.setGlobalConcurrency(publication.concurrency);
      }
      return lost.length > 0;
    } catch (error) {
      throw this.explained(error);
    }
  }

  /** Close every connection; one Redis does not answer is dropped rather than waited for. */
  async close(): Promise<void> {
    await Promise.all(this.made.map((part) => closeQuickly(part)));
    this.client.disconnect();
  }

  private async open(name: string, publication: Publication): Promise<OpenQueue> {
    await this.ready();
    const connection = connectionOptions(this.address);
    const queue = new Queue(name, { connection, prefix: KEY_PREFIX });
    const events = new QueueEvents(name, { connection, prefix: KEY_PREFIX });
    this.made.push(queue, events);
    // Every call waiting for its job listens on both: hundreds at once is normal here, not a leak.
    queue.setMaxListeners(0);
    events.setMaxListeners(0);
    // A connection that drops reconnects by itself; BullMQ reports it as an error event, which would otherwise be thrown.
    queue.on('error', () => undefined);
    events.on('error', () => undefined);
    // Through the queue's own connection, which waits out a reconnect rather than failing the call.
    await (await queue.client).hset(publication.registry, { [name]: publication.text });
    if (publication.concurrency !== undefined) await queue.setGlobalConcurrency(publication.concurrency);
    this.published.set(name, publication);
    await events.waitUntilReady();
    return { name, queue, events };
  }

  /** A failed command, with the connection's own error (ECONNREFUSED) when that says more than "Stream isn't writeable". */
  private explained(error: unknown): Error {
    const cause = this.client.status === 'ready' ? undefined : this.lastError;
    return new Error(errorMessage(cause ?? error));
  }
}

/**
 * Close a queue's connection, or drop it when Redis does not answer: its commands are waiting
 * on a Redis that is away (BullMQ's own close and disconnect would wait for it too).
 */
async function closeQuickly(part: Queue | QueueEvents): Promise<void> {
  const closed = part.close().then(
    () => true,
    () => true,
  );
  const late = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), CLOSE_WAIT_MS));
  if (await Promise.race([closed, late])) return;
  (await part.client).disconnect();
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
