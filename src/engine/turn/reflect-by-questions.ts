import type { ProviderResponse } from '../../providers/provider.js';
import type { Memory } from '../../memory/memory-file.js';
import { costOf } from '../money/charge.js';
import { memorySideCall } from './memory-side-call.js';
import type { AgentMemory } from '../../org/org.js';
import type { ReflectInput } from './reflect.js';

/** What a reflection by focal questions asked and was answered: the questions, the memories its insights may cite, and both answers (charged together by the caller). */
export interface FocalReflection {
  questions: string[];
  offered: readonly Memory[];
  /** The first call's answer: the questions. */
  asked: ProviderResponse;
  /** The second's: the insights. */
  answered: ProviderResponse;
}

/**
 * A reflection by focal questions (org.yaml `memory.reflect.questions`, memory/focal-questions.ts):
 * one call for the questions the recent memories raise, the stream searched for each, one call for
 * the insights, both through memorySideCall (each only when the agent can pay for it; a failure a
 * note). A first call that gives no question that retrieves anything is followed by the plain
 * reflection on the recent memories. When the second call cannot be made, the first is still
 * charged (`spent`): it was answered.
 */
export async function reflectByQuestions(input: ReflectInput, settings: AgentMemory, recent: readonly Memory[], count: number): Promise<FocalReflection | { note: string; spent?: ProviderResponse }> {
  const { memory, turn } = input;
  const what = `ask itself ${count} question(s) about ${recent.length} memories`;
  const asked = await memorySideCall(input, input.system, memory.focalQuestionsPrompt(turn, recent, count), what, 'it tries again next turn');
  if ('note' in asked) return asked;
  const questions = memory.parseFocalQuestions(asked.text, count);
  const groups = questions.length === 0 ? [] : memory.recallForQuestions(input.root, input.agent.name, settings, turn, questions);
  const offered = groups.length === 0 ? recent : groups.flatMap((group) => group.memories);
  const prompt = groups.length === 0 ? memory.reflectionPrompt(turn, recent) : memory.focalInsightsPrompt(turn, groups);
  const left = { ...input, creditsLeft: input.creditsLeft - costOf(asked, input.org.models).credits };
  const answered = await memorySideCall(left, input.system, prompt, `reflect on ${offered.length} memories`, 'it tries again next turn');
  if ('note' in answered) return { note: answered.note, spent: asked };
  return { questions, offered, asked, answered };
}
