import type { ModelEntry } from '../org/schema.js';
import type { Provider, ProviderRequest, ProviderResponse } from '../providers/provider.js';
import { callJobData, callJobId, decodeFailure, type CallJobData, type CallJobResult } from './call-job.js';
import type { QueueClient } from './queue-client.js';
import { runQueuedJob } from './queued-job.js';
import type { WorkerWatch } from './worker-watch.js';

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
    const queue = await this.client.modelQueue(this.modelKey, this.entry);
    try {
      return await runQueuedJob<CallJobData, CallJobResult>(this.watch, {
        queue,
        target: { kind: 'model', name: this.modelKey },
        name: 'call',
        data,
        jobId: callJobId(this.caller.orgName, this.caller.root, data),
        ...(request.signal ? { signal: request.signal } : {}),
      });
    } catch (error) {
      // A stopped run leaves its job queued: the next run reads its answer by the same id.
      if (request.signal?.aborted) throw request.signal.reason;
      throw decodeFailure(error instanceof Error ? error.message : String(error), this.modelKey);
    }
  }
}
