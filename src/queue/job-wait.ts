import type { EventEmitter } from 'node:events';
import type { Queue } from 'bullmq';
import { ProviderError } from '../providers/provider-error.js';
import { addAgain, addJob, lookAtJob, type JobToAdd } from './job-look.js';
import { MAX_LOSSES, showSeconds, type QueueChecks } from './queue-checks.js';
import type { OpenQueue } from './queue-client.js';
import { describeTarget, startWorker, type QueueTarget } from './queue-notice.js';
import type { WorkerWatch } from './worker-watch.js';
import type { WorkerAnnouncement } from './worker-presence.js';

/** A job a worker failed: the message is the job's failed reason, as the worker wrote it. */
export class JobFailed extends Error {}

/** What a wait needs to know about its job. */
export interface JobWaitSpec {
  queue: OpenQueue;
  target: QueueTarget;
  job: JobToAdd;
  /** Told what a worker reports while it works on the job (BullMQ's job progress). */
  onProgress?(data: unknown): void;
}

/**
 * Add a job and wait for a worker's answer. BullMQ's events are the fast path; every
 * `checks.everyMs` (and at once when an event says the job failed) Redis is asked where the
 * job is, and that is the truth: a job gone from Redis (emptied, restarted without
 * persistence, evicted) is added again under the same id, and so is one left waiting past
 * `checks.unclaimedMs` while workers that announce its queue have free slots. Each is said as
 * a notice once the job is in Redis again; a job lost or left unclaimed MAX_LOSSES times stops the run (a fatal error), since
 * asking again would not help. The engine journals the answer, so a job added twice is still
 * one answer to the org; the model may be asked twice, as when a worker dies mid-call.
 */
export async function waitForJob<R>(watch: WorkerWatch, spec: JobWaitSpec, stop: AbortSignal): Promise<R> {
  const { queue } = spec.queue;
  // QueueEvents also says each event under `<event>:<job id>`, which its typings do not list.
  const events = spec.queue.events as unknown as EventEmitter;
  const checks = watch.checks;
  const wake = new Wake();
  let unlisten = (): void => undefined;
  const listen = (id: string): void => {
    unlisten();
    const onCompleted = ({ returnvalue }: { returnvalue: unknown }): void => wake.answer(returnvalue);
    // A failed event is checked against Redis first: a worker fails a job whose keys were evicted under it too.
    const onFailed = (): void => wake.nudge();
    const onStalled = (): void => watch.retried(spec.target, id);
    const onProgress = ({ data }: { data: unknown }): void => spec.onProgress?.(data);
    const names = { completed: `completed:${id}`, failed: `failed:${id}`, stalled: `stalled:${id}`, progress: `progress:${id}` };
    events.on(names.completed, onCompleted);
    events.on(names.failed, onFailed);
    events.on(names.stalled, onStalled);
    events.on(names.progress, onProgress);
    unlisten = () => {
      events.off(names.completed, onCompleted);
      events.off(names.failed, onFailed);
      events.off(names.stalled, onStalled);
      events.off(names.progress, onProgress);
    };
  };
  const fixedId = spec.job.options.jobId;
  // Listening before adding: nothing a worker says between the two is missed.
  if (fixedId !== undefined) listen(fixedId);
  try {
    let jobId = await addJob(queue, spec.job);
    if (jobId !== fixedId) listen(jobId);
    let losses = 0;
    let unclaimed = 0;
    let waitingSince: number | undefined;
    for (;;) {
      const answer = await wake.next(checks.everyMs, stop);
      stop.throwIfAborted();
      if (answer) return answer.value as R;
      const look = await lookAtJob(queue, jobId);
      stop.throwIfAborted();
      if (look.where === 'completed') return look.value as R;
      if (look.where === 'failed') throw new JobFailed(look.reason);
      if (look.where === 'taken') {
        waitingSince = undefined;
        continue;
      }
      const was = jobId;
      let say: () => void;
      if (look.where === 'waiting') {
        // Workers that refused the queue (an agent program, an MCP server, another base_url their operator did not name):
        // the call fails with what they said, and its job goes, so that no worker started later runs it for nobody.
        const refusal = watch.refusal(spec.queue.name);
        if (refusal !== undefined) {
          await queue.remove(jobId).catch(() => undefined);
          throw new ProviderError(refusal, { retryable: false, code: 'queue-refused' });
        }
        // Said as it began (an `unserved` notice); past the org's bound the run stops rather than wait for ever.
        if (watch.unservedFor(spec.queue.name) >= checks.unservedMs) throw neverServed(spec.target, checks, watch.address);
        const now = Date.now();
        waitingSince ??= now;
        if (now - waitingSince < checks.unclaimedMs) continue;
        const idle = await idleServers(queue, watch.servers(spec.queue.name));
        if (idle.length === 0) continue;
        unclaimed += 1;
        if (unclaimed >= MAX_LOSSES) throw neverClaimed(spec.target, jobId, checks, idle);
        const waited = now - waitingSince;
        say = () => watch.unclaimed(spec.target, was, waited, idle.map((worker) => worker.id), fixedId !== undefined);
      } else {
        losses += 1;
        if (losses >= MAX_LOSSES) throw lostForGood(spec.target, jobId);
        say = () => watch.lost(spec.target, was, fixedId !== undefined);
      }
      waitingSince = undefined;
      jobId = await addAgain(queue, jobId, spec.job);
      listen(jobId);
      // Said once it is so: "queued again" is then a fact. A worker that finishes the job it had after the notice
      // finds it in Redis (taken from it), and whoever acts on the notice finds the job there.
      say();
    }
  } finally {
    unlisten();
  }
}

/**
 * The workers that announce a queue and could take a waiting job now: the queue is not
 * paused or rate limited, and fewer jobs are running than the workers' slots (and the entry's
 * `concurrency`) allow. Empty when the job's wait has a reason.
 */
async function idleServers(queue: Queue, servers: WorkerAnnouncement[]): Promise<WorkerAnnouncement[]> {
  if (servers.length === 0) return [];
  const [active, limitedForMs, paused, limit] = await Promise.all([queue.getActiveCount(), queue.getRateLimitTtl(), queue.isPaused(), queue.getGlobalConcurrency()]);
  const slots = Math.min(
    servers.reduce((sum, worker) => sum + worker.concurrency, 0),
    limit ?? Number.POSITIVE_INFINITY,
  );
  return !paused && limitedForMs <= 0 && active < slots ? servers : [];
}

function lostForGood(target: QueueTarget, jobId: string): ProviderError {
  return new ProviderError(
    `the job ${jobId} (${describeTarget(target)}) was lost from Redis ${MAX_LOSSES} times: Redis is dropping lemming's keys ` +
      '(its maxmemory-policy must be noeviction, and nothing may flush it during a run); the next run resumes this turn',
    { retryable: false, fatal: true, code: 'queue-losing-jobs' },
  );
}

function neverServed(target: QueueTarget, checks: QueueChecks, address: string): ProviderError {
  return new ProviderError(
    `no worker has served ${describeTarget(target)} for ${showSeconds(checks.unservedMs)} (org/org.yaml engine.queue_checks.unserved_seconds); ` +
      `start one with \`${startWorker(target, address)}\` and run again: the next run resumes this turn`,
    { retryable: false, fatal: true, code: 'queue-unserved' },
  );
}

function neverClaimed(target: QueueTarget, jobId: string, checks: QueueChecks, idle: WorkerAnnouncement[]): ProviderError {
  return new ProviderError(
    `the job ${jobId} (${describeTarget(target)}) waited unclaimed ${MAX_LOSSES} times for ${showSeconds(checks.unclaimedMs)} while worker(s) ` +
      `${idle.map((worker) => worker.id).join(', ')} announced its queue with free slots: they take no jobs; restart them, and the next run resumes this turn`,
    { retryable: false, fatal: true, code: 'queue-unclaimed' },
  );
}

/** What a wait between two looks ends with: a worker's answer from its completion event, or nothing (look at Redis). */
class Wake {
  private answered: { value: unknown } | undefined;
  private nudged = false;
  private wakeUp: (() => void) | undefined;

  answer(value: unknown): void {
    this.answered = { value };
    this.wakeUp?.();
  }

  nudge(): void {
    this.nudged = true;
    this.wakeUp?.();
  }

  /** The answer, once one came; undefined after `ms`, a nudge, or a stop. */
  async next(ms: number, stop: AbortSignal): Promise<{ value: unknown } | undefined> {
    if (!this.answered && !this.nudged && !stop.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done(): void {
          clearTimeout(timer);
          stop.removeEventListener('abort', done);
          resolve();
        }
        this.wakeUp = done;
        stop.addEventListener('abort', done, { once: true });
      });
      this.wakeUp = undefined;
    }
    this.nudged = false;
    return this.answered;
  }
}
