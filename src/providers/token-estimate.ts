/**
 * lemming's documented token estimate, used by the offline model and wherever a
 * provider reports no usage: one token per 4 characters of text (rounded up),
 * plus 4 tokens of framing per message. Close to what BPE tokenisers give for
 * English prose, and the same on every machine.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Framing tokens the estimate adds per message (and per tool call). */
export const TOKENS_PER_MESSAGE = 4;
