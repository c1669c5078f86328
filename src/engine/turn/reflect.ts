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
  /** Reflecting by focal questions (memory/focal-questions.ts): the questions it asked itself; its tokens are both calls'. */
  questions?: string[];
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
 * is shown its memories since it last reflected, and asked for a few insights citing them (or, with
 * `memory.reflect.questions`, two: reflect-by-questions.ts; `spent` is a first answer to charge when
 * the second could not be made). Nothing when
 * it is not time; a note, and no reflection this turn, when it cannot pay for one or its models fail
 * (the next turn tries again). A stop, a full disk or a replay that meets an unrecorded call go further.
 */
export async function reflectAfterAnswer(input: ReflectInput): Promise<{ answer: ReflectionAnswer; response: ProviderResponse } | { note: string; spent?: ProviderResponse } | undefined> {
  const recent = input.reflectOn;
  if (!input.agent.memory || !recent || recent.length === 0) return undefined;
  const count = input.agent.memory.reflect.questions ?? 0;
  if (count > 0) {
    // Park et al.'s way: questions first, the stream searched for each, insights on what they found (reflect-by-questions.ts).
    const { reflectByQuestions } = await import('./reflect-by-questions.js');
    const focal = await reflectByQuestions(input, input.agent.memory, recent, count);
    if ('note' in focal) return focal;
    // The insights' answer, charged for the questions' too.
    const response = withReflectionCharged(focal.answered, focal.asked);
    return { response, answer: answerOf(response, focal.offered, focal.questions) };
  }
  const response = await memorySideCall(input, input.system, input.memory.reflectionPrompt(input.turn, recent), `reflect on ${recent.length} memories`, 'it tries again next turn');
  if ('note' in response) return response;
  return { response, answer: answerOf(response, recent) };
}

/** A reflection's answer as journaled: its text, what it was shown, its tokens (both calls' when by questions: the response is their sum). */
function answerOf(response: ProviderResponse, offered: readonly Memory[], questions?: string[]): ReflectionAnswer {
  return {
    text: response.text,
    offered: offered.map((memory) => ({ id: memory.id, importance: memory.importance })),
    ...(questions ? { questions } : {}),
    modelKey: response.modelKey,
    inputTokens: response.usage.inputTokens,
    outputTokens: response.usage.outputTokens,
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
