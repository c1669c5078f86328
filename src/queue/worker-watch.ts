import { errorMessage } from '../errors.js';
import { DEFAULT_QUEUE_CHECKS, type QueueChecks } from './queue-checks.js';
import type { QueueClient } from './queue-client.js';
import { notices, type QueueNoticeListener, type QueueTarget } from './queue-notice.js';
import { QueueReach } from './queue-reach.js';
import { showAddress } from './redis-address.js';
import { HEARTBEAT_TTL_MS, type WorkerAnnouncement } from './worker-presence.js';
import { refusalOf } from './worker-refusal.js';

export type { QueueNotice, QueueNoticeListener, QueueTarget } from './queue-notice.js';
export { describeTarget } from './queue-notice.js';

interface Waiting {
  target: QueueTarget;
  calls: number;
}

/** How often the watch looks at the workers while calls wait, at most (a shorter `every_seconds` looks more often). */
const WATCH_EVERY_MS = 2_000;

/**
 * Watches, while calls wait on a queue, whether any live worker serves it, and says so
 * when none does (and again when one turns up): a call for a model no worker serves
 * waits with a clear message rather than in silence. Workers that join or leave while
 * calls wait are told too. A queue is checked a first time one interval after its first
 * call, so a worker that is just discovering it is not reported missing.
 *
 * Each look also publishes the engine's queues again (a Redis emptied or restarted lost
 * them, and a worker started since would never find them) and tells `reach` whether Redis
 * answered. After Redis was found emptied, the workers' heartbeats were lost with it: they
 * write them again within a beat, so for one heartbeat's life nobody is said to have left
 * and no queue is said to be unserved.
 */
export class WorkerWatch {
  /** Whether Redis answers; every wait on Redis goes through its `guard`. */
  readonly reach: QueueReach;
  private readonly waiting = new Map<string, Waiting>();
  /** The queues said to be unserved, and since when (the watch's clock): a call that waits past `checks.unservedMs` stops the run. */
  private readonly reported = new Map<string, number>();
  /** The unserved queues that live workers refused, with what they said (worker-refusal.ts): their calls fail with it. */
  private readonly refused = new Map<string, string>();
  /** The workers seen at the last check; undefined before the first (those already there are not news). */
  private known: Map<string, WorkerAnnouncement> | undefined;
  private quietUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private readonly intervalMs: number;

  constructor(
    private readonly client: QueueClient,
    private readonly notify: QueueNoticeListener,
    /** The bounds of the run's waits on its jobs (org.yaml `engine.queue_checks`). */
    readonly checks: QueueChecks = DEFAULT_QUEUE_CHECKS,
    private readonly now: () => number = Date.now,
  ) {
    this.intervalMs = Math.min(WATCH_EVERY_MS, checks.everyMs);
    this.reach = new QueueReach(showAddress(client.address), checks.unreachableMs, notify, now);
  }

  /** A call starts waiting on a queue; the returned function says it is done, and whether a worker answered it. */
  enter(queueName: string, target: QueueTarget): (answered: boolean) => void {
    const entry = this.waiting.get(queueName) ?? { target, calls: 0 };
    entry.calls += 1;
    this.waiting.set(queueName, entry);
    this.timer ??= setInterval(() => void this.check(), this.intervalMs);
    let left = false;
    return (answered) => {
      if (left) return;
      left = true;
      entry.calls -= 1;
      // A worker answered, so one served it: say so even if it came between two checks. A wait that
      // ended otherwise (the run stopped, the job was lost) says nothing about the workers.
      if (answered && this.reported.delete(queueName)) this.notify(notices.served(target));
      if (entry.calls > 0) return;
      this.waiting.delete(queueName);
      this.reported.delete(queueName);
      this.refused.delete(queueName);
      if (this.waiting.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** BullMQ put a job of ours back in its queue: the worker that had it stopped answering. */
  retried(target: QueueTarget, jobId: string): void {
    this.notify(notices.retried(target, jobId));
  }

  /** A job of ours was gone from Redis, and is queued again (under its id, when it has a fixed one). */
  lost(target: QueueTarget, jobId: string, sameId: boolean): void {
    this.notify(notices.lost(target, jobId, sameId));
  }

  /** A job of ours waited unclaimed while workers had room for it, and is queued again. */
  unclaimed(target: QueueTarget, jobId: string, waitedMs: number, workers: readonly string[], sameId: boolean): void {
    this.notify(notices.unclaimed(target, jobId, waitedMs, workers, sameId));
  }

  /** The queue's address as notices say it (no password). */
  get address(): string {
    return showAddress(this.client.address);
  }

  /** How long the calls on a queue have waited since they were said to have no worker serving them; 0 while one does. */
  unservedFor(queueName: string): number {
    const since = this.reported.get(queueName);
    return since === undefined ? 0 : this.now() - since;
  }

  /**
   * Why the live workers refused a queue no live worker serves, as the last check saw them, or undefined: a call waiting
   * on it fails with this rather than wait for a worker its operator may never start.
   */
  refusal(queueName: string): string | undefined {
    return this.refused.get(queueName);
  }

  /** The live workers that take jobs from a queue (not stopping), as the last check saw them. */
  servers(queueName: string): WorkerAnnouncement[] {
    return [...(this.known?.values() ?? [])].filter((worker) => !worker.stopping && worker.queues.includes(queueName));
  }

  /** One look at the live workers (the timer's, while calls wait): tells what changed since the last. */
  async check(): Promise<void> {
    // A look that takes longer than the interval (a Redis that does not answer) is not joined by another.
    if (this.checking) return;
    this.checking = true;
    const startedAt = this.now();
    try {
      let emptied: boolean;
      let workers: WorkerAnnouncement[];
      try {
        emptied = await this.client.republish();
        workers = await this.client.workers();
      } catch (error) {
        this.reach.silent(errorMessage(error), startedAt);
        return;
      }
      this.reach.answered();
      if (emptied) this.quietUntil = this.now() + HEARTBEAT_TTL_MS;
      if (this.now() < this.quietUntil) return;
      this.tellJoinedAndLeft(workers);
      this.tellUnserved(workers);
    } finally {
      this.checking = false;
    }
  }

  private tellUnserved(workers: WorkerAnnouncement[]): void {
    const served = new Set(workers.filter((worker) => !worker.stopping).flatMap((worker) => worker.queues));
    const address = this.address;
    for (const [queueName, waiting] of this.waiting) {
      const refusal = served.has(queueName) ? undefined : refusalOf(workers, queueName, waiting.target, address);
      if (refusal === undefined) this.refused.delete(queueName);
      else this.refused.set(queueName, refusal);
      if (!served.has(queueName) && !this.reported.has(queueName)) {
        this.reported.set(queueName, this.now());
        this.notify(notices.unserved(waiting.target, waiting.calls, queueName, address));
      } else if (served.has(queueName) && this.reported.delete(queueName)) {
        this.notify(notices.served(waiting.target));
      }
    }
  }

  private tellJoinedAndLeft(workers: WorkerAnnouncement[]): void {
    const now = new Map(workers.map((worker) => [worker.id, worker]));
    const before = this.known;
    this.known = now;
    if (!before) return;
    for (const [id, worker] of now) {
      if (!before.has(id)) this.notify(notices.joined(id, worker.concurrency, worker.host));
    }
    for (const [id, worker] of before) {
      // A worker that said it was stopping withdrew its heartbeat after its calls; one that did not say so went silent.
      if (!now.has(id)) this.notify(notices.left(id, worker.stopping === true));
    }
  }
}
