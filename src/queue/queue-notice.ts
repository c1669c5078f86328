import { showSeconds } from './queue-checks.js';

/** What a queue serves, as its notices name it: a registry entry's model, or one of the org's MCP servers. */
export interface QueueTarget {
  kind: 'model' | 'mcp-server';
  name: string;
}

/**
 * Something the engine's side of the queue wants a person to know, while calls wait on it.
 * Each is said only when it is true at that moment:
 * - `unserved`: no live worker announces a queue that calls wait on; `served`: one does now,
 *   or an answer came from one;
 * - `worker-joined`, `worker-left`: a worker's heartbeat appeared, or went (withdrawn by a
 *   worker that stopped cleanly, or run out: it stopped answering);
 * - `job-retried`: a worker stopped answering mid-job, and BullMQ put the job back in the queue;
 * - `job-lost`: a job was gone from Redis (emptied, restarted without persistence, evicted) and
 *   the engine queued it again under the same id;
 * - `job-unclaimed`: a job waited past `engine.queue_checks.unclaimed_seconds` while workers
 *   that announce its queue had free slots, and the engine queued it again;
 * - `workers-unseen`: Redis did not answer the engine; `queue-back`: it answers again.
 */
export interface QueueNotice {
  notice: 'unserved' | 'served' | 'workers-unseen' | 'queue-back' | 'worker-joined' | 'worker-left' | 'job-retried' | 'job-lost' | 'job-unclaimed';
  /** The whole notice as a sentence, with what to do about it where there is something to do. */
  message: string;
  /** The model or MCP server it is about. */
  target?: QueueTarget;
  /** With `unserved`: the calls that wait. */
  waiting?: number;
  /** With the `worker-*` notices: the worker's id (host-pid-random). */
  worker?: string;
  /** With the `job-*` notices: the job's id in its queue. */
  job?: string;
}

/** Where the queue's notices go (the engine's event stream). */
export type QueueNoticeListener = (notice: QueueNotice) => void;

/** "model "fast"" or "MCP server "files"", for a notice. */
export function describeTarget(target: QueueTarget): string {
  return `${target.kind === 'model' ? 'model' : 'MCP server'} "${target.name}"`;
}

/** The `lemming worker` command that serves this on the queue at `address`. */
export function startWorker(target: QueueTarget, address: string): string {
  return `lemming worker --queue ${address} ${target.kind === 'model' ? '--models' : '--mcp-servers'} ${target.name}`;
}

/** A job with a fixed id (a call) goes back under it; one BullMQ numbered (an offer of tools) gets a new number. */
function againUnder(sameId: boolean): string {
  return sameId ? ' under the same id' : '';
}

/** Every notice's words, in one place: what each says must be true when it is said. */
export const notices = {
  unserved: (target: QueueTarget, calls: number, queueName: string, address: string): QueueNotice => ({
    notice: 'unserved',
    target,
    waiting: calls,
    message:
      `no worker serves ${describeTarget(target)}: ${calls} call(s) wait in queue ${queueName} on ${address}; ` +
      `start one with \`${startWorker(target, address)}\``,
  }),
  served: (target: QueueTarget): QueueNotice => ({ notice: 'served', target, message: `a worker serves ${describeTarget(target)} now: its waiting calls go ahead` }),
  joined: (worker: string, concurrency: number, host: string): QueueNotice => ({
    notice: 'worker-joined',
    worker,
    message: `worker ${worker} joined: ${concurrency} call(s) at a time on ${host}`,
  }),
  left: (worker: string, stopped: boolean): QueueNotice => ({
    notice: 'worker-left',
    worker,
    message: stopped
      ? `worker ${worker} stopped, after finishing the calls it had`
      : `worker ${worker} stopped answering (its heartbeat ran out); a job it held goes back to the queue once its lock runs out`,
  }),
  retried: (target: QueueTarget, job: string): QueueNotice => ({
    notice: 'job-retried',
    target,
    job,
    message: `the job ${job} (${describeTarget(target)}) was left by a worker that stopped answering; it is back in the queue for the next free worker`,
  }),
  lost: (target: QueueTarget, job: string, sameId: boolean): QueueNotice => ({
    notice: 'job-lost',
    target,
    job,
    message: `the job ${job} (${describeTarget(target)}) is gone from Redis (emptied, restarted without persistence, or evicted); it is queued again${againUnder(sameId)}`,
  }),
  unclaimed: (target: QueueTarget, job: string, waitedMs: number, workers: readonly string[], sameId: boolean): QueueNotice => ({
    notice: 'job-unclaimed',
    target,
    job,
    message:
      `the job ${job} (${describeTarget(target)}) waited ${showSeconds(waitedMs)} unclaimed while worker(s) ${workers.join(', ')} announced its queue with free slots; ` +
      `it is queued again${againUnder(sameId)}`,
  }),
  unseen: (address: string, cause: string, boundMs: number): QueueNotice => ({
    notice: 'workers-unseen',
    message: `the queue at ${address} does not answer (${cause}): calls wait for it; the run stops if it has not answered within ${showSeconds(boundMs)}`,
  }),
  back: (address: string): QueueNotice => ({ notice: 'queue-back', message: `the queue at ${address} answers again` }),
};
