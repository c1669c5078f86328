import { Worker } from 'node:worker_threads';
import { keepHeapAsSet } from '../../heap-settings.js';
import { knownSecrets } from '../../secrets/secrets.js';
import type { AgentStatus } from '../api-types.js';
import type { EventHub } from '../event-hub.js';
import type { MessageFilter, Page } from '../search/message-filter.js';
import type { WatchAnswers, WatchMessage, WatchQuestion, WatchThreadData } from './watch-protocol.js';

/**
 * The thread's script. Built, this module sits beside it; under the test runner this module is
 * the TypeScript source, and the thread runs the built file (`npm test` builds first).
 */
function threadScript(): URL {
  const script = new URL('./watch-thread.js', import.meta.url);
  if (!import.meta.url.endsWith('.ts')) return script;
  return new URL(script.href.replace(/\/src\/web\/watch\/watch-thread\.js$/, '/dist/web/watch/watch-thread.js'));
}

/** How often the thread looks unasked: a browser sees mail within this of its being written. */
const LOOK_EVERY_MS = 400;
/** How often, at the least, it saves the index when it changed (see watch-thread.ts). */
const SAVE_EVERY_MS = 30_000;

interface Waiting {
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/**
 * The dashboard's view of the org's changes, kept on a thread of its own (watch-thread.ts):
 * the message index, brought up to date every `intervalMs` and before each question, and the
 * events for the browsers (new mail, the turn, proposals), which it publishes to the hub. At
 * 1,000 new messages a turn, taking them in costs some 50 ms of reading and indexing; on this
 * thread that work is beside a running engine's turn, not in it. A thread that fails is
 * started again at the next question (the index reloads from its saved file).
 */
export class OrgWatch {
  private worker?: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private nextSeq = 1;
  private messages = 0;
  private stopped = false;
  private started!: Promise<void>;
  private onReady?: { resolve(): void; reject(error: Error): void };

  constructor(
    readonly root: string,
    private readonly hub: EventHub,
  ) {
    this.thread();
  }

  /**
   * Resolves once the thread has the index: whatever is in the outboxes then is the starting
   * point, and only what is written after it comes as events. Rejects if the thread fails first.
   */
  ready(): Promise<void> {
    return this.started;
  }

  /** How many messages the index held at its last answer or look. */
  get size(): number {
    return this.messages;
  }

  /** Bring the index up to date now (what was new is published): after this process wrote a message, say. */
  async look(): Promise<void> {
    await this.ask({ op: 'look' });
  }

  private nudged?: Promise<void>;

  /**
   * Ask for a look and do not wait for it: what it finds is published as events. One at a time:
   * while the thread has one to do, asking again adds none (a client polling a busy server would
   * otherwise queue a look per request on a thread already behind).
   */
  lookSoon(): void {
    this.nudged ??= this.look()
      .catch(() => undefined)
      .finally(() => (this.nudged = undefined));
  }

  list(filter: MessageFilter, page: Page): Promise<WatchAnswers['list']> {
    return this.ask({ op: 'list', filter, page });
  }

  get(id: string): Promise<WatchAnswers['get']> {
    return this.ask({ op: 'get', id });
  }

  find(query: string, filter: MessageFilter, limit: number): Promise<WatchAnswers['find']> {
    return this.ask({ op: 'find', query, filter, limit });
  }

  threadOf(id: string): Promise<WatchAnswers['thread']> {
    return this.ask({ op: 'thread', id });
  }

  /** The human's requests and where each stands, given the agents' status (search/requests.ts). */
  requests(agents: AgentStatus[]): Promise<WatchAnswers['requests']> {
    return this.ask({ op: 'requests', agents });
  }

  /** Messages along each edge, in all and recently (up to `turn`). */
  traffic(turn: number): Promise<WatchAnswers['traffic']> {
    return this.ask({ op: 'traffic', turn });
  }

  /** Save the index and end the thread. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    // A thread that failed has nothing to save (and is not started again to save it): the index is rebuilt next time.
    if (this.worker) await this.ask({ op: 'save' }).catch(() => undefined);
    this.stopped = true;
    await this.worker?.terminate();
    this.worker = undefined;
  }

  private ask<Op extends WatchQuestion['op']>(question: Extract<WatchQuestion, { op: Op }>): Promise<WatchAnswers[Op]> {
    if (this.stopped) return Promise.reject(new Error('the dashboard is shutting down'));
    const seq = this.nextSeq;
    this.nextSeq += 1;
    return new Promise<WatchAnswers[Op]>((resolve, reject) => {
      this.waiting.set(seq, { resolve: resolve as (result: unknown) => void, reject });
      this.thread().postMessage({ ...question, seq });
    });
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const data: WatchThreadData = { root: this.root, intervalMs: LOOK_EVERY_MS, saveEveryMs: SAVE_EVERY_MS, secrets: knownSecrets() };
    const worker = new Worker(threadScript(), { workerData: data });
    this.started = new Promise<void>((resolve, reject) => (this.onReady = { resolve, reject }));
    // Nobody need wait on a restarted thread's start: its questions wait in its queue.
    this.started.catch(() => undefined);
    // The server keeps the process alive while it serves; the thread alone must not.
    worker.unref();
    // A thread's start puts V8's flags back as the command line had them: `lemming run --serve` sets
    // its heap small again (see heap-settings.ts).
    worker.once('online', keepHeapAsSet);
    worker.on('message', (message: WatchMessage) => this.received(message));
    worker.on('error', (error) => this.failed(worker, error.message));
    worker.on('exit', (code) => this.failed(worker, `it ended (exit code ${code})`));
    this.worker = worker;
    return worker;
  }

  private received(message: WatchMessage): void {
    if (message.type === 'ready') {
      this.messages = message.size;
      this.onReady?.resolve();
      return;
    }
    if (message.type === 'changed') {
      this.messages = message.size;
      for (const event of message.events) this.hub.publish(event);
      return;
    }
    const waiting = this.waiting.get(message.seq);
    this.waiting.delete(message.seq);
    if (message.type === 'answer') {
      this.messages = message.size;
      waiting?.resolve(message.result);
    } else {
      waiting?.reject(new Error(`the message index could not answer: ${message.message}`));
    }
  }

  /** The thread is gone: every question waiting on it fails, saying why, and the next one starts it again. */
  private failed(worker: Worker, why: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const error = new Error(`the message index's thread stopped: ${why}`);
    this.onReady?.reject(error);
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }
}
