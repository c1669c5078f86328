import { errorMessage } from '../errors.js';
import type { ModelEntry } from '../org/schema.js';
import { ANSWER_TOO_LARGE_CODE, ProviderError } from '../providers/provider-error.js';
import type { Provider, ProviderRequest, ProviderResponse } from '../providers/provider.js';
import { ANSWER_MAX_MIB, pastAnswerBound } from './answer-bound.js';
import { callJobData, callJobId, decodeFailure, retryOf, type CallJobData, type CallJobResult } from './call-job.js';
import type { QueueClient } from './queue-client.js';
import { queueNameFor } from './queue-keys.js';
import { JobFailed, runQueuedJob } from './queued-job.js';
import { showAddress } from './redis-address.js';
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
 * there, or waits for the job already queued, instead of asking twice. A retry the worker's
 * provider makes is told to the engine as it happens, as a local one is.
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
    // What a worker put in Redis, which others can write: anything at all.
    const answer: unknown = await this.asked(request);
    // Held to what lemming reads of a server's answer (sdk-call.ts): taken whole, it was journaled whole.
    if (pastAnswerBound(answer)) {
      throw new ProviderError(`${this.modelKey}: the worker's answer was longer than ${ANSWER_MAX_MIB} MiB, so lemming took none of it`, { retryable: false, code: ANSWER_TOO_LARGE_CODE });
    }
    // The shape every reader after this one takes for granted (usage and arguments are the usage gate's to admit).
    if (!isAnswer(answer)) {
      throw new ProviderError(`${this.modelKey}: the worker's answer was no answer (an object with a text \`text\` and a list \`toolCalls\` of calls, each with a text \`name\`), so lemming took none of it`, { retryable: false });
    }
    return answer;
  }

  private async asked(request: ProviderRequest): Promise<ProviderResponse> {
    const data = callJobData(this.modelKey, this.entry, request);
    try {
      return await runQueuedJob<CallJobData, CallJobResult>(this.watch, {
        queueName: queueNameFor(this.modelKey, this.entry),
        openQueue: () => this.client.modelQueue(this.modelKey, this.entry),
        target: { kind: 'model', name: this.modelKey },
        name: 'call',
        data,
        jobId: callJobId(this.caller.orgName, this.caller.root, data),
        ...(request.signal ? { signal: request.signal } : {}),
        onProgress: (progress) => {
          const retry = retryOf(progress);
          if (retry) request.onRetry?.(retry);
        },
      });
    } catch (error) {
      // A stopped run leaves its job queued: the next run reads its answer by the same id.
      if (request.signal?.aborted) throw request.signal.reason;
      if (error instanceof JobFailed) throw decodeFailure(error.message, this.modelKey);
      // The queue itself failed (Redis silent too long, or losing jobs): that stops the run, as it says.
      if (error instanceof ProviderError) throw error;
      throw new ProviderError(`the queue at ${showAddress(this.client.address)} did not take the call for ${this.modelKey}: ${errorMessage(error)}`, { retryable: false });
    }
  }
}

/** Whether a worker's result has the shape of an answer: a text, and a list of tool calls each naming its tool. */
function isAnswer(value: unknown): value is ProviderResponse {
  const answer = value as Partial<Record<keyof ProviderResponse, unknown>> | null;
  if (typeof answer !== 'object' || answer === null || typeof answer.text !== 'string' || !Array.isArray(answer.toolCalls)) return false;
  return answer.toolCalls.every((call: unknown) => typeof call === 'object' && call !== null && typeof (call as { name?: unknown }).name === 'string');
}
