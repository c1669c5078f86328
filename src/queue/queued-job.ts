import type { Queue } from 'bullmq';
import { onAbort } from '../providers/abort-listeners.js';
import { sleep } from '../providers/sleep.js';
import { withoutSecrets } from '../secrets/secrets.js';
import type { OpenQueue } from './queue-client.js';
import type { QueueTarget, WorkerWatch } from './worker-watch.js';

/**
 * How long Redis keeps a finished job's result: long enough for an engine that crashed
 * to come back and read it instead of making the call again.
 */
export const KEEP_RESULTS_SECONDS = 7 * 24 * 60 * 60;

/** One job to hand to the workers and wait for. */
export interface JobToRun<D> {
  queue: OpenQueue;
  /** What the queue serves, for the watch's notices when no worker serves it. */
  target: QueueTarget;
  /** The job's name (BullMQ's), which tells a worker what kind of job it is. */
  name: string;
  data: D;
  /** A fixed id makes a job sent twice one job (BullMQ adds no job whose id it holds); without one, BullMQ numbers it. */
  jobId?: string;
  /** How long its result stays in Redis (default KEEP_RESULTS_SECONDS). */
  keepSeconds?: number;
  signal?: AbortSignal;
}

/**
 * Add a job (or find the one already there under its id) and wait for a worker's answer.
 * A failed job throws an Error whose message is the job's failed reason; an aborted wait
 * throws the signal's reason and leaves the job queued, so the next run reads its answer.
 */
export async function runQueuedJob<D, R>(watch: WorkerWatch, job: JobToRun<D>): Promise<R> {
  const { queue, signal } = job;
  signal?.throwIfAborted();
  const keep = job.keepSeconds ?? KEEP_RESULTS_SECONDS;
  // A job names the variables a worker needs, never their values; text in it that quotes a secret this engine knows goes cut.
  const added = await queue.queue.add(job.name, withoutSecrets(job.data), {
    ...(job.jobId === undefined ? {} : { jobId: job.jobId }),
    // The worker's own code retries what can be retried; a job that fails has failed for good, like a local call.
    attempts: 1,
    removeOnComplete: { age: keep },
    removeOnFail: { age: keep },
  });
  const jobId = added.id ?? '';
  const leave = watch.enter(queue.name, job.target);
  const stopPolling = new AbortController();
  // BullMQ moves a job whose worker stopped renewing its lock back to wait: say so, it runs again.
  const onStalled = ({ jobId: stalled }: { jobId: string }): void => {
    if (stalled === jobId) watch.retried(job.target, jobId);
  };
  queue.events.on('stalled', onStalled);
  try {
    const announced = added.waitUntilFinished(queue.events) as Promise<R>;
    return await untilAborted(Promise.race([announced, pollUntilFinished<R>(queue.queue, jobId, stopPolling.signal)]), signal);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw error instanceof Error ? error : new Error(String(error));
  } finally {
    queue.events.off('stalled', onStalled);
    stopPolling.abort();
    leave();
  }
}

/** How often a waiting call also asks Redis for its job's state, in case its event was missed. */
const POLL_MS = 5_000;

/**
 * Wait for a job by asking Redis now and then. BullMQ's completion event is the fast path,
 * but a QueueEvents reader that starts reading just after a job finishes can miss the event;
 * this makes such a call late by a few seconds rather than stuck for ever.
 */
async function pollUntilFinished<R>(queue: Queue, jobId: string, signal: AbortSignal): Promise<R> {
  for (;;) {
    await sleep(POLL_MS, signal);
    const state = await queue.getJobState(jobId);
    if (state === 'completed' || state === 'failed' || state === 'unknown') {
      const job = await queue.getJob(jobId);
      if (state === 'completed' && job) return job.returnvalue as R;
      throw new Error(job?.failedReason ?? `the job ${jobId} is gone from the queue (removed by hand, or Redis was emptied)`);
    }
  }
}

/** The job's answer, or the signal's reason as soon as it aborts (the job stays queued). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    // Through onAbort: a turn may have hundreds of calls waiting on the run's one signal.
    const stopListening = onAbort(signal, () => reject(signal.reason));
    promise.then(resolve, reject).finally(stopListening);
  });
}
