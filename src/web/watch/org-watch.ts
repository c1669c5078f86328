import type { Worker } from 'node:worker_threads';
import { startThread } from '../../heap-settings.js';
import { builtScript } from '../../built-script.js';
import { knownSecrets } from '../../secrets/secrets.js';
import { terminalText } from '../../terminal-text/terminal-text.js';
import type { AgentStatus, IndexState } from '../api-types.js';
import type { EventHub } from '../event-hub.js';
import { outboxFiles } from './outbox-names.js';
import type { MessageFilter, Page } from '../search/message-filter.js';
import type { WatchAnswers, WatchMessage, WatchQuestion, WatchThreadData } from './watch-protocol.js';

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
 * thread that work is beside a running engine's turn, not in it.
 *
 * The thread takes the index in (seconds for a large org) while the server already answers: until
 * it is `ready` (see `index`), the routes that need it answer 503 (routes/index-gate.ts) and
 * `look` has nothing to bring up to date. A thread that fails is reported (`report`), the state
 * says why, and it is started again by `retry` (the index reloads from its saved file).
 */
export class OrgWatch {
  private worker?: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private nextSeq = 1;
  private messages = 0;
  private stopped = false;
  private started!: Promise<void>;
  private onReady?: { resolve(): void; reject(error: Error): void };
  private state: IndexState = { state: 'loading', messages: 0 };

  /** `report` gets a line for a person when the index fails (the server's standard error, or its log). */
  constructor(
    readonly root: string,
    private readonly hub: EventHub,
    private readonly report: (line: string) => void = (line) => void process.stderr.write(`${terminalText(line)}\n`),
  ) {
    this.thread();
  }

  /**
   * Resolves once the thread has the index. What was in the outboxes when the thread was started
   * (as the server started) is the starting point; what was written after it comes as events, that
   * written while the index was built among them, once it is in. Rejects if the thread fails first.
   */
  ready(): Promise<void> {
    return this.started;
  }

  /** Where the index stands: loading (how many messages so far), ready, or failed (why). */
  get index(): IndexState {
    return { ...this.state, messages: this.messages };
  }

  /** After a failure, start the thread again (a request needs the index); otherwise nothing. */
  retry(): void {
    if (this.state.state === 'failed' && !this.stopped) this.thread();
  }

  /** How many messages the index held at its last answer or look. */
  get size(): number {
    return this.messages;
  }

  /**
   * Bring the index up to date now (what was new is published): after this process wrote a message,
   * say. Nothing while the index is not ready: the one being built reads the outboxes as they are
   * then, and what it misses the first look after it takes in.
   */
  async look(): Promise<void> {
    if (this.state.state !== 'ready') return;
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
    // One still taking the index in would answer only once that is done: it is ended, and the work done again next time.
    if (this.worker && this.state.state === 'ready') await this.ask({ op: 'save' }).catch(() => undefined);
    this.stopped = true;
    // Let go of it first: its end is then no failure to report.
    const worker = this.worker;
    this.worker = undefined;
    for (const waiting of this.waiting.values()) waiting.reject(new Error('the dashboard is shutting down'));
    this.waiting.clear();
    await worker?.terminate();
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
    // Listed here, before the server listens: mail written once the address is out comes as events, however long the index takes.
    const data: WatchThreadData = { root: this.root, intervalMs: LOOK_EVERY_MS, saveEveryMs: SAVE_EVERY_MS, startingFiles: outboxFiles(this.root), secrets: knownSecrets() };
    const worker = startThread({ file: builtScript('./watch-thread.js', import.meta.url) }, { workerData: data });
    this.state = { state: 'loading', messages: 0 };
    this.messages = 0;
    this.started = new Promise<void>((resolve, reject) => (this.onReady = { resolve, reject }));
    // Nobody need wait on a restarted thread's start: its questions wait in its queue.
    this.started.catch(() => undefined);
    // The server keeps the process alive while it serves; the thread alone must not.
    worker.unref();
    worker.on('message', (message: WatchMessage) => this.received(message));
    worker.on('error', (error) => this.failed(worker, error.message));
    worker.on('exit', (code) => this.failed(worker, `it ended (exit code ${code})`));
    this.worker = worker;
    return worker;
  }

  private received(message: WatchMessage): void {
    if (message.type === 'progress') {
      this.messages = message.size;
      return;
    }
    if (message.type === 'ready') {
      this.messages = message.size;
      this.state = { state: 'ready', messages: message.size };
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

  /**
   * The thread is gone: every question waiting on it fails, saying why; the state says it and the
   * person is told (a server that answers is not crashed by its index); `retry` starts it again.
   */
  private failed(worker: Worker, why: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const error = new Error(`the message index's thread stopped: ${why}`);
    this.state = { state: 'failed', messages: this.messages, error: error.message };
    this.report(`dashboard: the message index of ${this.root} failed (${error.message}); searches, message lists and threads answer 503 until it is built again, which the next of them tries`);
    this.onReady?.reject(error);
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }
}
