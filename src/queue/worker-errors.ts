import type { Job } from 'bullmq';
import { errorMessage } from '../errors.js';

/**
 * What BullMQ's errors about a job's keys mean, in words a person running a worker can act
 * on: "Missing key for job X. moveToFinished" says the job is gone from Redis, not that the
 * worker is broken, and "could not renew lock for job X" that the job is no longer held by it.
 * Other errors are said as they are.
 */
export function describeWorkerError(error: unknown): string {
  const message = errorMessage(error);
  const missingKey = /Missing key for job (\S+?)\.? (\w+)$/.exec(message);
  if (missingKey) {
    return `the job ${missingKey[1]} is gone from Redis (emptied, restarted without persistence, or evicted), so this worker's answer to it was dropped; the engine that queued it queues it again`;
  }
  const lostLock = /(?:Missing lock|Lock mismatch) for job (\S+?)\.? /.exec(`${message} `);
  if (lostLock) {
    return `the job ${lostLock[1]} is no longer this worker's (its lock ran out, or Redis lost it), so this worker's answer to it was dropped; it runs where it is now`;
  }
  // BullMQ's lock manager, renewing the lock of a job this worker still runs (each half of its lock time), found it gone.
  const unrenewed = /^could not renew lock for job (\S+)$/.exec(message);
  if (unrenewed) {
    return `this worker could not keep its hold on the job ${unrenewed[1]} (Redis lost its lock, or the lock ran out while the worker was silent), so its answer to it will be dropped; it runs again (taken by another worker, or queued again by the engine that queued it)`;
  }
  return message;
}

/**
 * Refuse a job whose data is gone (an id whose hash was evicted: BullMQ hands it over with no
 * name and no data), with a reason that says so rather than a crash on the missing fields.
 */
export function jobDataGone(job: Job): void {
  if (!job.name) throw new Error(`the job ${job.id ?? ''} has no data in Redis (evicted or emptied); the engine that queued it queues it again`);
}
