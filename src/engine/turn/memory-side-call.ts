import { errorMessage } from '../../errors.js';
import type { Agent, Org } from '../../org/org.js';
import { isFatalProviderError } from '../../providers/provider-error.js';
import type { ProviderRequest, ProviderResponse } from '../../providers/provider.js';
import { throwIfStorageFailure } from '../../storage/storage-error.js';
import { estimateCallCost } from '../money/charge.js';
import { showCredits } from '../../format/format.js';

/** What a memory's call after the agent's answer (a reflection, a rating of importance) needs to be asked. */
export interface SideCallInput {
  org: Org;
  agent: Agent;
  turn: number;
  /** Ask its models, as its call did (the same chain of fallbacks, recorded and replayed alike). */
  ask(request: ProviderRequest, creditsLeft: number): Promise<ProviderResponse>;
  /** Credits it has left after the turn's call. */
  creditsLeft: number;
  signal?: AbortSignal;
}

/**
 * One call of an agent's first model beside its answer, for its memory: made only when the agent can
 * pay for it at its estimate. `what` words the notes ("reflect on 4 memories"), `retry` what happens
 * after a failure. A note when it cannot pay or its models fail (nothing is charged, the turn goes on);
 * a stop, a full disk or a fatal provider error go further.
 */
export async function memorySideCall(input: SideCallInput, system: string, prompt: string, what: string, retry: string): Promise<ProviderResponse | { note: string }> {
  const modelKey = input.agent.models[0] ?? '';
  const entry = input.org.models[modelKey];
  const request: ProviderRequest = {
    modelKey,
    model: entry?.model ?? modelKey,
    system,
    messages: [{ role: 'user', content: prompt }],
    tools: [],
    agent: input.agent.name,
    turn: input.turn,
    ...(entry?.max_output_tokens !== undefined ? { maxOutputTokens: entry.max_output_tokens } : {}),
  };
  const needed = entry ? estimateCallCost(request, entry) : 0;
  if (needed > input.creditsLeft) return { note: `did not ${what} this turn: it may cost ${showCredits(needed)} credits and ${showCredits(input.creditsLeft)} are left` };
  try {
    return await input.ask(request, input.creditsLeft);
  } catch (error) {
    throwIfStorageFailure(error);
    if (input.signal?.aborted || isFatalProviderError(error)) throw error;
    return { note: `could not ${what} this turn (${errorMessage(error)}); ${retry}` };
  }
}
