import { join } from 'node:path';
import { forgetAtNextCommand } from '../invocation.js';
import type { Memory } from './memory-file.js';

/** Estimated tokens of a memory's `<recalled>` element besides its text. */
export const ELEMENT_TOKENS = 20;

/** A memory's estimated tokens in a prompt: its text at 4 characters a token, and its element. Pure. */
export function memoryTokens(memory: Pick<Memory, 'text'>): number {
  return Math.ceil(memory.text.length / 4) + ELEMENT_TOKENS;
}

/**
 * Whether no prompt can show the memory: it is longer than the agent's whole memory budget
 * (`memory.budget_tokens`), which the section's opening line shares. Only a person's file can be (what
 * the engine writes keeps 1,000 characters of a text). Pure.
 */
export function tooLongToShow(memory: Pick<Memory, 'text'>, budgetTokens: number): boolean {
  return memoryTokens(memory) > budgetTokens;
}

/**
 * What to say of memories no prompt shows (tooLongToShow): the first one's file (in the org, like
 * `agents/manager/memory/stream/report.md`) and size, how many more, and a length that would be shown.
 * `lemming memory` and a run's warning say it alike. Pure.
 */
export function tooLongText(long: ReadonlyArray<Pick<Memory, 'text'> & { file: string }>, budgetTokens: number): string {
  const first = long[0];
  if (first === undefined) return '';
  const more = long.length > 1 ? ` and ${long.length - 1} more` : '';
  const them = long.length > 1 ? 'them' : 'it';
  return `${first.file}${more}: some ${memoryTokens(first).toLocaleString('en-US')} tokens as read, more than the memory budget of ${budgetTokens.toLocaleString('en-US')} tokens (memory.budget_tokens), so no prompt shows ${them}; shorten ${them} to under ${((budgetTokens - ELEMENT_TOKENS) * 4).toLocaleString('en-US')} characters, or raise budget_tokens`;
}

/** The memory files too long for any prompt that a turn of this command has said (tooLongUnsaid), by path: forgotten at the next command. */
const saidTooLong = new Set<string>();
forgetAtNextCommand(() => saidTooLong.clear());

/**
 * Of a stream's memories (`folder`, its path; `fileOf`, each one's file in it) from before `turn`, those no prompt can show within
 * `budgetTokens` that no turn of this command has said yet, with their files, now taken as said: a run passes them over at every
 * call and says each once.
 */
export function tooLongUnsaid(folder: string, memories: readonly Memory[], fileOf: (memory: Memory) => string | undefined, turn: number, budgetTokens: number): Array<Memory & { file: string }> {
  const unsaid: Array<Memory & { file: string }> = [];
  for (const memory of memories) {
    const file = fileOf(memory);
    if (memory.turn >= turn || file === undefined || saidTooLong.has(join(folder, file)) || !tooLongToShow(memory, budgetTokens)) continue;
    saidTooLong.add(join(folder, file));
    unsaid.push({ ...memory, file });
  }
  return unsaid;
}
