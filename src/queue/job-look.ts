import type { JobsOptions, Queue } from 'bullmq';

/** Where a job is, as Redis tells it when asked. */
export type JobLook =
  | { where: 'completed'; value: unknown }
  | { where: 'failed'; reason: string }
  /** Nothing of it left to wait for: no hash, or an id that no list holds (Redis emptied, restarted empty, keys evicted). */
  | { where: 'gone' }
  /** In its queue's wait list: no worker has taken it yet. */
  | { where: 'waiting' }
  /** A worker has it (or BullMQ holds it back for a while). */
  | { where: 'taken' };

/**
 * Ask Redis where a job is. A job whose hash is gone while its id is still listed (an evicted
 * key, or the stub BullMQ's stall check leaves for such an id) is as gone as one no list holds:
 * no worker will ever give its answer.
 */
export async function lookAtJob(queue: Queue, jobId: string): Promise<JobLook> {
  const state = await queue.getJobState(jobId);
  if (state === 'unknown') return { where: 'gone' };
  const job = await queue.getJob(jobId);
  if (!job?.name) return { where: 'gone' };
  if (state === 'completed') return { where: 'completed', value: job.returnvalue };
  if (state === 'failed') return { where: 'failed', reason: job.failedReason };
  if (state === 'waiting' || state === 'prioritized') return { where: 'waiting' };
  return { where: 'taken' };
}

/** A job as the engine adds it: its name, data and options (its fixed id among them, when it has one). */
export interface JobToAdd {
  name: string;
  data: unknown;
  options: JobsOptions;
}

/** Add a job; BullMQ adds none whose id it holds, and answers with the one already there. Returns its id. */
export async function addJob(queue: Queue, job: JobToAdd): Promise<string> {
  const added = await queue.add(job.name, job.data, job.options);
  return added.id ?? '';
}

/**
 * Add a job again that was gone or stuck, under the same id: whatever is left of it (a hash
 * no list holds, an id listed with no hash, a waiting entry no worker takes) is removed first,
 * or BullMQ would take the id as already there and add nothing. A job a worker holds the lock
 * of is not removed (BullMQ refuses): that worker's answer is still to come.
 */
export async function addAgain(queue: Queue, jobId: string, job: JobToAdd): Promise<string> {
  await queue.remove(jobId);
  return addJob(queue, job);
}
