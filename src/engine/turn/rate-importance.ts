import { errorMessage } from '../../errors.js';
import type { Agent, Org } from '../../org/org.js';
import { isFatalProviderError } from '../../providers/provider-error.js';
import type { ProviderRequest, ProviderResponse } from '../../providers/provider.js';
import { throwIfStorageFailure } from '../../storage/storage-error.js';
import { estimateCallCost } from '../money/charge.js';
import type { MemoryLayer } from './prepare-call.js';
import type { RatingAnswer } from '../../memory/rate-stream.js';

export type { RatingAnswer };

/** What one agent's rating of its memories' importance needs. */
export interface RateInput {
  root: string;
  org: Org;
  agent: Agent;
  turn: number;
  memory: MemoryLayer;
  /** Ask its models, as its call did (the same chain of fallbacks, recorded and replayed alike). */
  ask(request: ProviderRequest, creditsLeft: number): Promise<ProviderResponse>;
  /** Credits it has left after the turn's call (and its reflection). */
  creditsLeft: number;
  signal?: AbortSignal;
}

/**
 * After an agent's answer, where org.yaml says `memory.importance: model`: its memories from earlier
 * turns that no model has rated, asked of its first model in one call (memory/model-importance.ts),
 * the answer journaled with the turn's response and applied with it (rate-stream.ts, applyRatings), its
 * tokens in the turn's one charge. Nothing when every memory is rated; a note, and the rule's
 * importance kept until a later turn asks again, when it cannot pay or its models fail.
 */
export async function rateAfterAnswer(input: RateInput): Promise<{ answer: RatingAnswer; response: ProviderResponse } | { note: string } | undefined> {
  if (input.agent.memory?.importance !== 'model') return undefined;
  const asked = input.memory.memoriesToRate(input.root, input.agent.name, input.turn);
  if (asked.length === 0) return undefined;
  const modelKey = input.agent.models[0] ?? '';
  const entry = input.org.models[modelKey];
  const request: ProviderRequest = {
    modelKey,
    model: entry?.model ?? modelKey,
    system: `You are ${input.agent.name}. You judge how much each of your memories matters.`,
    messages: [{ role: 'user', content: input.memory.importancePrompt(asked) }],
    tools: [],
    agent: input.agent.name,
    turn: input.turn,
    ...(entry?.max_output_tokens !== undefined ? { maxOutputTokens: entry.max_output_tokens } : {}),
  };
  const needed = entry ? estimateCallCost(request, entry) : 0;
  if (needed > input.creditsLeft) return { note: `did not rate the importance of ${asked.length} memories this turn: it may cost ${needed.toFixed(6)} credits and ${input.creditsLeft.toFixed(6)} are left` };
  let response: ProviderResponse;
  try {
    response = await input.ask(request, input.creditsLeft);
  } catch (error) {
    throwIfStorageFailure(error);
    if (input.signal?.aborted || isFatalProviderError(error)) throw error;
    return { note: `could not rate the importance of ${asked.length} memories this turn (${errorMessage(error)}); the rule's stands, and a later turn asks again` };
  }
  return {
    response,
    answer: { text: response.text, asked: asked.map((memory) => memory.id), modelKey: response.modelKey, inputTokens: response.usage.inputTokens, outputTokens: response.usage.outputTokens },
  };
}
