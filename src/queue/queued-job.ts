import { onAbort } from '../providers/abort-listeners.js';
import { withoutSecrets } from '../secrets/secrets.js';
import { JobFailed, waitForJob } from './job-wait.js';
import type { OpenQueue } from './queue-client.js';
import type { QueueTarget } from './queue-notice.js';
import type { WorkerWatch } from './worker-watch.js';

export { JobFailed } from './job-wait.js';

/**
 * How long Redis keeps a finished job's result: long enough for an engine that crashed
 * to come back and read it instead of making the call again.
 */
export const KEEP_RESULTS_SECONDS = 7 * 24 * 60 * 60;

/** One job to hand to the workers and wait for. */
export interface JobToRun<D> {
  /** The queue's name, known before it is open. */
  queueName: string;
  /** The queue, opened on first use (which waits on Redis like the rest of the wait). */
  openQueue(): Promise<OpenQueue>;
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
  /** Told what the worker reports while it works on the job (a retry about to wait). */
  onProgress?(data: unknown): void;
}

/**
 * Add a job (or find the one already there under its id) and wait for a worker's answer
 * (job-wait.ts: a job lost from Redis is added again). A job a worker failed throws a
 * JobFailed whose message is its failed reason; a Redis that stays silent, or keeps losing
 * the job, throws a fatal ProviderError that stops the run; an aborted wait throws the
 * signal's reason and leaves the job queued, so the next run reads its answer.
 */
export async function runQueuedJob<D, R>(watch: WorkerWatch, job: JobToRun<D>): Promise<R> {
  const { signal } = job;
  signal?.throwIfAborted();
  const keep = job.keepSeconds ?? KEEP_RESULTS_SECONDS;
  const options = {
    ...(job.jobId === undefined ? {} : { jobId: job.jobId }),
    // The worker's own code retries what can be retried; a job that fails has failed for good, like a local call.
    attempts: 1,
    removeOnComplete: { age: keep },
    removeOnFail: { age: keep },
  };
  // Entered before the queue is opened: a Redis that goes silent meanwhile is watched, and said.
  const leave = watch.enter(job.queueName, job.target);
  const done = new AbortController();
  let answered = false;
  try {
    const wait = job.openQueue().then((queue) => {
      // A job names the variables a worker needs, never their values; text in it that quotes a secret this engine knows goes cut.
      const spec = { queue, target: job.target, job: { name: job.name, data: withoutSecrets(job.data), options }, ...(job.onProgress ? { onProgress: job.onProgress } : {}) };
      return waitForJob<R>(watch, spec, done.signal);
    });
    const result = await untilAborted(watch.reach.guard(wait), signal);
    answered = true;
    return result;
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    // A failure a worker reported is an answer too: someone serves the queue.
    if (error instanceof JobFailed) answered = true;
    throw error instanceof Error ? error : new Error(String(error));
  } finally {
    done.abort();
    leave(answered);
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
