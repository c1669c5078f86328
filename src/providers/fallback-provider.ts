import { errorMessage } from '../errors.js';
import { showCredits } from '../format/format.js';
import type { ModelEntry } from '../org/schema.js';
import { estimateCallCost } from '../engine/money/charge.js';
import { isFatalProviderError, ProviderError, unusableAnswers } from './provider-error.js';
import { addressedTo } from './request-tokens.js';
import type { AnsweredUsage, Provider, ProviderRequest, ProviderResponse } from './provider.js';
import { chargedAnswers, chargedTogether } from './usage.js';

/** One model of an agent's list (resume `model: [primary, fallback, ...]`). */
export interface FallbackLink {
  modelKey: string;
  entry: ModelEntry;
  provider: Provider;
}

/**
 * An agent's models in order of preference. When one fails (after its own
 * retries), the next is asked the same thing under its own registry key, model
 * name and output cap; the answer says which model wrote it and the agent's log
 * says why. A model the agent cannot afford (estimated cost above the credits it
 * has left) is not called.
 */
export class FallbackProvider implements Provider {
  constructor(private readonly links: readonly FallbackLink[]) {
    if (links.length === 0) throw new Error('FallbackProvider needs at least one model');
  }

  async generate(request: ProviderRequest): Promise<ProviderResponse> {
    const failures: string[] = [];
    // Answers a model gave that could not be used: charged with whatever answers, or carried by the failure.
    const unusable: AnsweredUsage[] = [];
    let lastError: unknown;
    for (const link of this.links) {
      const attempt = retarget(request, link);
      if (request.creditsLeft !== undefined) {
        const cost = estimateCallCost(attempt, link.entry);
        if (cost > request.creditsLeft) {
          failures.push(`${link.modelKey} not called: its estimated cost (${showCredits(cost)} credits) is more than the ${showCredits(request.creditsLeft)} credits left`);
          continue;
        }
      }
      try {
        const answered = { ...(await link.provider.generate(attempt)), modelKey: link.modelKey };
        const response = unusable.length === 0 ? answered : chargedTogether(answered, [...unusable, ...chargedAnswers(answered)]);
        if (failures.length === 0) return response;
        const note = `answered by fallback model ${link.modelKey} after: ${failures.join('; ')}`;
        return { ...response, notes: [...(response.notes ?? []), note] };
      } catch (error) {
        if (request.signal?.aborted || isFatalProviderError(error)) throw error;
        lastError = error;
        unusable.push(...unusableAnswers(error));
        failures.push(`${link.modelKey} failed: ${errorMessage(error)}`);
      }
    }
    if (this.links.length === 1 && lastError !== undefined) throw lastError;
    throw new ProviderError(`every model failed: ${failures.join('; ')}`, { retryable: false, unusable });
  }
}

/** The request as the given model should get it: its key, its vendor name, its output cap. */
function retarget(request: ProviderRequest, link: FallbackLink): ProviderRequest {
  const { maxOutputTokens: _previous, ...rest } = request;
  return { ...rest, ...addressedTo(link.modelKey, link.entry) };
}
