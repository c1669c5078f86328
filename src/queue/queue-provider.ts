import type { Queue } from 'bullmq';
import type { ModelEntry } from '../org/schema.js';
import { sleep } from '../providers/sleep.js';
import type { Provider, ProviderRequest, ProviderResponse } from '../providers/provider.js';
import { callJobData, callJobId, decodeFailure, type CallJobData, type CallJobResult } from './call-job.js';
import type { QueueClient } from './queue-client.js';
import type { WorkerWatch } from './worker-watch.js';

/**
 * How long Redis keeps a finished call's result: long enough for an engine that crashed
 * to come back and read it instead of paying for the call again.
 */
export const KEEP_RESULTS_SECONDS = 7 * 24 * 60 * 60;

/** Who is asking: the org's name and folder make its calls' job ids its own. */
export interface QueueCaller {
  orgName: string;
  root: string;
}

/**
 * A registry entry's model, reached through the queue: each call becomes a job on the
 * entry's queue and the answer is whatever a worker returns. The engine treats it as any
 * provider: it journals the answer as it arrives and charges from the journal, once.
 * A call sent again (after a crash) has the same job id, so it reads the answer already
 * there, or waits for the job already queued, instead of asking twice.
 */
export class QueueProvider implements Provider {
  constructor(
    private readonly client: QueueClient,
    private readonly watch: WorkerWatch,
    private readonly caller: QueueCaller,
    private readonly modelKey: string,
    private readonly entry: ModelEntry,
  ) {}

  async generate(request: ProviderRequest): Promise<ProviderResponse> {
    const data = callJobData(this.modelKey, this.entry, request);
    const jobId = callJobId(this.caller.orgName, this.caller.root, data);
    const modelQueue = await this.client.modelQueue(this.modelKey, this.entry);
    request.signal?.throwIfAborted();
    const job = await modelQueue.queue.add('call', data satisfies CallJobData, {
      jobId,
      // The worker's provider retries; a job that fails has failed for good, like a local call.
      attempts: 1,
      removeOnComplete: { age: KEEP_RESULTS_SECONDS },
      removeOnFail: { age: KEEP_RESULTS_SECONDS },
    });
    const leave = this.watch.enter(modelQueue.name, this.modelKey);
    const stopPolling = new AbortController();
    try {
      const announced = job.waitUntilFinished(modelQueue.events) as Promise<CallJobResult>;
      return await untilAborted(Promise.race([announced, pollUntilFinished(modelQueue.queue, jobId, stopPolling.signal)]), request.signal);
    } catch (error) {
      // A stopped run leaves its job queued: the next run reads its answer by the same id.
      if (request.signal?.aborted) throw request.signal.reason;
      throw decodeFailure(error instanceof Error ? error.message : String(error), this.modelKey);
    } finally {
      stopPolling.abort();
      leave();
    }
  }
}

/** How often a waiting call also asks Redis for its job's state, in case its event was missed. */
const POLL_MS = 5_000;

/**
 * Wait for a job by asking Redis now and then. BullMQ's completion event is the fast path,
 * but a QueueEvents reader that starts reading just after a job finishes can miss the event;
 * this makes such a call late by a few seconds rather than stuck for ever.
 */
async function pollUntilFinished(queue: Queue, jobId: string, signal: AbortSignal): Promise<CallJobResult> {
  for (;;) {
    await sleep(POLL_MS, signal);
    const state = await queue.getJobState(jobId);
    if (state === 'completed' || state === 'failed' || state === 'unknown') {
      const job = await queue.getJob(jobId);
      if (state === 'completed' && job) return job.returnvalue as CallJobResult;
      throw new Error(job?.failedReason ?? `the job ${jobId} is gone from the queue (removed by hand, or Redis was emptied)`);
    }
  }
}

/** One abort listener per signal, however many calls wait on it (a turn may have hundreds in flight). */
const waitersBySignal = new WeakMap<AbortSignal, Set<() => void>>();

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    let waiters = waitersBySignal.get(signal);
    if (!waiters) {
      const all = new Set<() => void>();
      waiters = all;
      waitersBySignal.set(signal, all);
      signal.addEventListener('abort', () => {
        for (const wake of all) wake();
      }, { once: true });
    }
    const onAbort = (): void => reject(signal.reason);
    waiters.add(onAbort);
    promise.then(resolve, reject).finally(() => waiters.delete(onAbort));
  });
}
