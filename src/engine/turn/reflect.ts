import type { Agent, Org } from '../../org/org.js';
import type { ProviderRequest, ProviderResponse } from '../../providers/provider.js';
import { chargedAnswers, chargedTogether, sumUsage } from '../../providers/usage.js';
import { costOf } from '../money/charge.js';
import type { MemoryLayer } from './prepare-call.js';
import { memorySideCall } from './memory-side-call.js';
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
  const response = await memorySideCall(input, input.system, input.memory.reflectionPrompt(input.turn, offered), `reflect on ${offered.length} memories`, 'it tries again next turn');
  if ('note' in response) return response;
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
