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
