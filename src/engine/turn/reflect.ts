import { errorMessage } from '../../errors.js';
import type { Agent, Org } from '../../org/org.js';
import { isFatalProviderError } from '../../providers/provider-error.js';
import type { ProviderRequest, ProviderResponse } from '../../providers/provider.js';
import { chargedAnswers, chargedTogether, sumUsage } from '../../providers/usage.js';
import { throwIfStorageFailure } from '../../storage/storage-error.js';
import { costOf, estimateCallCost } from '../money/charge.js';
import type { MemoryLayer } from './prepare-call.js';
import type { Memory } from '../../memory/memory-file.js';

/**
 * A reflection's answer as the turn's journal keeps it, with the turn's response: applied (again,
 * after a crash) into reflection memories without asking again. Its tokens are in the response's
 * usage, so the turn's one charge pays for it.
 */
export interface ReflectionAnswer {
  text: string;
  /** The memories it was shown, with their importance: what its insights may cite, and weigh. */
  offered: Array<{ id: string; importance: number }>;
  modelKey: string;
  inputTokens: number;
  outputTokens: number;
}

/** What one agent's reflection in a turn needs. */
export interface ReflectInput {
  root: string;
  org: Org;
  agent: Agent;
  turn: number;
  memory: MemoryLayer;
  /** The memories it reflects on, as its call was prepared (memory-layer.ts, recallFor); none: it does not reflect this turn. */
  reflectOn: readonly Memory[] | undefined;
  /** The system prompt of the agent's call this turn: who it is, where it stands, its notes. */
  system: string;
  /** Ask its models, as its call did (the same chain of fallbacks, recorded and replayed alike). */
  ask(request: ProviderRequest, creditsLeft: number): Promise<ProviderResponse>;
  /** Credits it has left after the turn's call. */
  creditsLeft: number;
  signal?: AbortSignal;
}

/**
 * After an agent's answer, when its stream says it is time (memory/reflection.ts): a model call that
 * is shown its memories since it last reflected, and asked for a few insights citing them. Nothing when
 * it is not time; a note, and no reflection this turn, when it cannot pay for one or its models fail
 * (the next turn tries again). A stop, a full disk or a replay that meets an unrecorded call go further.
 */
export async function reflectAfterAnswer(input: ReflectInput): Promise<{ answer: ReflectionAnswer; response: ProviderResponse } | { note: string } | undefined> {
  const offered = input.reflectOn;
  if (!input.agent.memory || !offered || offered.length === 0) return undefined;
  const modelKey = input.agent.models[0] ?? '';
  const entry = input.org.models[modelKey];
  const request: ProviderRequest = {
    modelKey,
    model: entry?.model ?? modelKey,
    system: input.system,
    messages: [{ role: 'user', content: input.memory.reflectionPrompt(input.turn, offered) }],
    tools: [],
    agent: input.agent.name,
    turn: input.turn,
    ...(entry?.max_output_tokens !== undefined ? { maxOutputTokens: entry.max_output_tokens } : {}),
  };
  const needed = entry ? estimateCallCost(request, entry) : 0;
  if (needed > input.creditsLeft) return { note: `did not reflect on ${offered.length} memories this turn: it may cost ${needed.toFixed(6)} credits and ${input.creditsLeft.toFixed(6)} are left` };
  let response: ProviderResponse;
  try {
    response = await input.ask(request, input.creditsLeft);
  } catch (error) {
    throwIfStorageFailure(error);
    if (input.signal?.aborted || isFatalProviderError(error)) throw error;
    return { note: `could not reflect on ${offered.length} memories this turn (${errorMessage(error)}); it tries again next turn` };
  }
  return {
    response,
    answer: {
      text: response.text,
      offered: offered.map((memory) => ({ id: memory.id, importance: memory.importance })),
      modelKey: response.modelKey,
      inputTokens: response.usage.inputTokens,
      outputTokens: response.usage.outputTokens,
    },
  };
}

/** The turn's response charged for its reflection too: one model's answers summed, several each at its own prices (money/charge.ts). */
export function withReflectionCharged(response: ProviderResponse, reflection: ProviderResponse): ProviderResponse {
  if (response.charged === undefined && reflection.charged === undefined && response.modelKey === reflection.modelKey) {
    return { ...response, usage: sumUsage([response.usage, reflection.usage]) };
  }
  return chargedTogether(response, [...chargedAnswers(response), ...chargedAnswers(reflection)]);
}

/** Credits an answer cost, at its own model's prices. */
export function creditsOf(response: ProviderResponse, org: Org): number {
  return costOf(response, org.models).credits;
}
