import { errorMessage } from '../errors.js';
import type { QueueClient } from './queue-client.js';
import { showAddress } from './redis-address.js';
import type { WorkerAnnouncement } from './worker-presence.js';

/** What a queue serves, as its notices name it: a registry entry's model, or one of the org's MCP servers. */
export interface QueueTarget {
  kind: 'model' | 'mcp-server';
  name: string;
}

/**
 * Something the engine's side of the queue wants a person to know, while calls wait on it:
 * `unserved`, no live worker serves a queue that calls wait on; `served`, one does now;
 * `workers-unseen`, Redis did not say which workers live; `worker-joined` and `worker-left`,
 * a worker's heartbeat appeared or stopped; `job-retried`, a worker stopped answering
 * mid-job and the job runs again on another.
 */
export interface QueueNotice {
  notice: 'unserved' | 'served' | 'workers-unseen' | 'worker-joined' | 'worker-left' | 'job-retried';
  /** The whole notice as a sentence, with what to do about it where there is something to do. */
  message: string;
  /** The model or MCP server it is about. */
  target?: QueueTarget;
  /** With `unserved`: the calls that wait. */
  waiting?: number;
  /** With `worker-joined`/`worker-left`: the worker's id (host-pid-random). */
  worker?: string;
}

/** Where the queue's notices go (the engine's event stream). */
export type QueueNoticeListener = (notice: QueueNotice) => void;

interface Waiting {
  target: QueueTarget;
  calls: number;
}

/** "model "fast"" or "MCP server "files"", for a notice. */
export function describeTarget(target: QueueTarget): string {
  return `${target.kind === 'model' ? 'model' : 'MCP server'} "${target.name}"`;
}

/** The `lemming worker` flag that makes a worker serve this. */
function serveFlag(target: QueueTarget): string {
  return `${target.kind === 'model' ? '--models' : '--mcp-servers'} ${target.name}`;
}

/**
 * Watches, while calls wait on a queue, whether any live worker serves it, and says so
 * when none does (and again when one turns up): a call for a model no worker serves
 * waits with a clear message rather than in silence. Workers that join or leave while
 * calls wait are told too. A queue is checked a first time one interval after its first
 * call, so a worker that is just discovering it is not reported missing.
 */
export class WorkerWatch {
  private readonly waiting = new Map<string, Waiting>();
  private readonly reported = new Set<string>();
  /** The workers seen at the last check; undefined before the first (those already there are not news). */
  private known: Map<string, WorkerAnnouncement> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: QueueClient,
    private readonly notify: QueueNoticeListener,
    private readonly intervalMs = 2_000,
  ) {}

  /** A call starts waiting on a queue; the returned function says it is done. */
  enter(queueName: string, target: QueueTarget): () => void {
    const entry = this.waiting.get(queueName) ?? { target, calls: 0 };
    entry.calls += 1;
    this.waiting.set(queueName, entry);
    this.timer ??= setInterval(() => void this.check(), this.intervalMs);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      entry.calls -= 1;
      // An answer came, so someone served it: say so even if it came between two checks.
      if (this.reported.delete(queueName)) this.notify(servedNow(target));
      if (entry.calls > 0) return;
      this.waiting.delete(queueName);
      if (this.waiting.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** A job of ours was left by a worker that stopped answering and runs again on another. */
  retried(target: QueueTarget, jobId: string): void {
    this.notify({
      notice: 'job-retried',
      target,
      message: `the job ${jobId} (${describeTarget(target)}) was left by a worker that stopped answering; another worker runs it again`,
    });
  }

  /** One look at the live workers (the timer's, while calls wait): tells what changed since the last. */
  async check(): Promise<void> {
    let workers: WorkerAnnouncement[];
    try {
      workers = await this.client.workers();
    } catch (error) {
      this.notify({ notice: 'workers-unseen', message: `cannot see the workers on ${showAddress(this.client.address)}: ${errorMessage(error)}` });
      return;
    }
    this.tellJoinedAndLeft(workers);
    const served = new Set(workers.flatMap((worker) => worker.queues));
    for (const [queueName, waiting] of this.waiting) {
      if (!served.has(queueName) && !this.reported.has(queueName)) {
        this.reported.add(queueName);
        const address = showAddress(this.client.address);
        this.notify({
          notice: 'unserved',
          target: waiting.target,
          waiting: waiting.calls,
          message:
            `no worker serves ${describeTarget(waiting.target)}: ${waiting.calls} call(s) wait in queue ${queueName} on ${address}; ` +
            `start one with \`lemming worker --queue ${address} ${serveFlag(waiting.target)}\``,
        });
      } else if (served.has(queueName) && this.reported.delete(queueName)) {
        this.notify(servedNow(waiting.target));
      }
    }
  }

  private tellJoinedAndLeft(workers: WorkerAnnouncement[]): void {
    const now = new Map(workers.map((worker) => [worker.id, worker]));
    const before = this.known;
    this.known = now;
    if (!before) return;
    for (const [id, worker] of now) {
      if (!before.has(id)) this.notify({ notice: 'worker-joined', worker: id, message: `worker ${id} joined: ${worker.concurrency} call(s) at a time on ${worker.host}` });
    }
    for (const id of before.keys()) {
      if (!now.has(id)) {
        this.notify({ notice: 'worker-left', worker: id, message: `worker ${id} left; a job it held runs on another worker once its lock runs out` });
      }
    }
  }
}

function servedNow(target: QueueTarget): QueueNotice {
  return { notice: 'served', target, message: `a worker serves ${describeTarget(target)} now: its waiting calls go ahead` };
}
