import type { Agent, Org } from '../../org/org.js';
import type { ProviderRequest, ProviderResponse } from '../../providers/provider.js';
import type { MemoryLayer } from './prepare-call.js';
import { memorySideCall } from './memory-side-call.js';
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
  const system = `You are ${input.agent.name}. You judge how much each of your memories matters.`;
  const response = await memorySideCall(input, system, input.memory.importancePrompt(asked), `rate the importance of ${asked.length} memories`, "the rule's stands, and a later turn asks again");
  if ('note' in response) return response;
  return {
    response,
    answer: { text: response.text, asked: asked.map((memory) => memory.id), modelKey: response.modelKey, inputTokens: response.usage.inputTokens, outputTokens: response.usage.outputTokens },
  };
}
