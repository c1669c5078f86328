import type { ModelEntry } from '../org/schema.js';
import { MODEL_DEFAULTS } from './model-defaults.js';
import type { ProviderRequest, ToolCall } from './provider.js';
import { estimateTokens, TOKENS_PER_MESSAGE } from './token-estimate.js';

export type PromptParts = Pick<ProviderRequest, 'system' | 'messages' | 'tools'>;

/** lemming's estimate of a request's input tokens: the system prompt, each message, and the tool definitions. */
export function estimateInputTokens(request: PromptParts): number {
  let tokens = estimateTokens(request.system) + TOKENS_PER_MESSAGE;
  for (const message of request.messages) tokens += estimateTokens(message.content) + TOKENS_PER_MESSAGE;
  if (request.tools.length > 0) tokens += estimateToolTokens(request.tools);
  return tokens;
}

const toolTokenCache = new WeakMap<object, number>();

/** lemming's estimate of a list of tool definitions, kept per list (an agent's list is built once: engine/turn/tools.ts). */
export function estimateToolTokens(tools: PromptParts['tools']): number {
  let tokens = toolTokenCache.get(tools);
  if (tokens === undefined) {
    tokens = estimateTokens(JSON.stringify(tools));
    toolTokenCache.set(tools, tokens);
  }
  return tokens;
}

/** The output a call is assumed to write when judging whether an agent can afford it: its cap, or the documented default. */
export function expectedOutputTokens(entry: Pick<ModelEntry, 'max_output_tokens'>): number {
  return entry.max_output_tokens ?? MODEL_DEFAULTS.maxOutputTokens;
}

/**
 * The most real tokens a server is believed to count for each token of lemming's estimate: a server
 * may count many more, but a ratio past this is more likely a bad report (or a planted file). The
 * bound of what a ratio learned from a server scales (engine/record/token-ratios.ts), as it is learned,
 * read back and used.
 */
export const MOST_INPUT_SCALE = 8;

/**
 * The fewest real tokens a server is believed to count for each token of lemming's estimate, its
 * mirror: the usage gate (usage-gate.ts) counts no call's prompt or answer below this part of
 * lemming's estimate of it, so a server that reports 0 tokens for a long prompt and a long answer
 * is charged for them still. Tokenisers give about a token per 4 characters of prose and code;
 * one per 32 is not a count of text.
 */
export const LEAST_TOKEN_SCALE = 1 / MOST_INPUT_SCALE;

/**
 * The tokens a call is reserved at: the prompt as lemming counts it (times the entry's learned
 * ratio, when the caller knows it: from 1 to MOST_INPUT_SCALE, any other value read as 1) and the
 * output it is assumed to write (expectedOutputTokens). What a call must be able to pay before it is
 * made (money/charge.ts, estimateCallCost), and what an answer lemming refused unread is charged
 * (usage-gate.ts, with the ratio its request carries): its server did the work, and no count of it is known. Pure.
 */
export function reservedTokens(request: PromptParts, entry: Pick<ModelEntry, 'max_output_tokens'>, inputScale = 1): { inputTokens: number; outputTokens: number } {
  const scale = Number.isFinite(inputScale) && inputScale >= 1 ? Math.min(inputScale, MOST_INPUT_SCALE) : 1;
  return { inputTokens: Math.ceil(estimateInputTokens(request) * scale), outputTokens: expectedOutputTokens(entry) };
}

/** lemming's estimate of what a model wrote: its text and each tool call's arguments. */
export function estimateOutputTokens(text: string, toolCalls: ToolCall[]): number {
  let tokens = estimateTokens(text);
  for (const call of toolCalls) {
    const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {});
    tokens += estimateTokens(`${call.name}${args}`) + TOKENS_PER_MESSAGE;
  }
  return tokens;
}

/**
 * What a registry entry decides of every request made to it: its key, the vendor's model name and
 * the output cap (`max_output_tokens`, absent when the entry sets none). One rule for an agent's
 * call, a fallback's, the experiment judge's and `lemming doctor`'s, so none of them asks a model
 * for more than its entry allows. Pure.
 */
export function addressedTo(modelKey: string, entry: Pick<ModelEntry, 'model' | 'max_output_tokens'> | undefined): Pick<ProviderRequest, 'modelKey' | 'model' | 'maxOutputTokens'> {
  const address: Pick<ProviderRequest, 'modelKey' | 'model' | 'maxOutputTokens'> = { modelKey, model: entry?.model ?? modelKey };
  if (entry?.max_output_tokens !== undefined) address.maxOutputTokens = entry.max_output_tokens;
  return address;
}
