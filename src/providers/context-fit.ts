import type { ModelEntry } from '../org/schema.js';
import { MODEL_DEFAULTS } from './model-defaults.js';
import { CONTEXT_COUNTED_CODE, ProviderError } from './provider-error.js';
import type { PromptSizing, ProviderRequest } from './provider.js';

/**
 * A prompt is never sent to a local server larger than its entry's `context_window` allows: lemming's
 * estimate (4 characters a token) can be far below what a small model's tokenizer counts (a
 * 512-token vocabulary counts about twice as many), and a local server either takes more than the
 * declared window (llama.cpp started with a larger `-c`) or cuts the prompt silently (Ollama keeps
 * the end of one longer than its `num_ctx`). So before a call the prompt is counted: by a bound that
 * errs high (a token a byte, with room for a chat template's markers) and, when that bound does not
 * fit, by the model's own tokenizer where the server offers one (llama.cpp's `/tokenize`), else by an
 * estimate learned from the tokens this entry's server reported (PROMPT_ESTIMATE). A prompt that does
 * not fit is not sent: the call fails as a server's refusal would (CONTEXT_COUNTED_CODE), and the
 * engine asks again showing less (engine/turn/context-retry.ts).
 */

/**
 * The estimate of prompt tokens where a server offers no tokenizer (Ollama; vLLM without
 * `/tokenize`): tokens a byte of prompt counts as. Before a server has reported any usage, the prior
 * (0.3 a byte: what large-vocabulary BPE tokenizers count of English, code and JSON, about 3.3 bytes a
 * token) with a margin of 25%; from the first answer on, what its last calls showed (prompt tokens
 * against the bytes sent: a call's own, learned as it is answered, used from the next turn): the
 * highest while fewer than three are kept, the second highest from three on, so one call alone never
 * sizes every prompt; with 25% for its first three reports and 10% after. A refusal that states sizes
 * and a prompt cut silently teach it too (engine/record/token-ratios.ts), and a call is forgotten
 * once eight have come after it. So the estimate errs high by a little, not by four times as a token
 * a byte does; a small vocabulary (stories260K's 512 tokens count some 0.6 a byte) is caught by the
 * server's refusal, or by its cut, and learned.
 */
export const PROMPT_ESTIMATE = {
  priorTokensPerByte: 0.3,
  firstMargin: 0.25,
  /** Reports with the first margin; the margin is `margin` from then on. */
  firstReports: 3,
  margin: 0.1,
  /** From this many calls kept on, the estimate is their second highest, not their highest. */
  corroborated: 3,
} as const;

/** What an entry's server has taught of its prompts (engine/record/token-ratios.ts keeps it). */
export interface LearnedPrompts {
  /** Tokens a byte of its last calls, oldest first. */
  seen?: readonly number[];
  /** How many reports taught them since the server last cut a prompt. */
  reports?: number;
}

/** The tokens a byte the estimate rests on (see PROMPT_ESTIMATE), with how it was chosen; undefined before any call taught one. Pure. */
export function learnedTokensPerByte(seen: readonly number[] | undefined): { tokensPerByte: number; chosen: string } | undefined {
  if (!seen || seen.length === 0) return undefined;
  const sorted = [...seen].sort((a, b) => b - a);
  const second = sorted.length >= PROMPT_ESTIMATE.corroborated;
  return { tokensPerByte: (second ? sorted[1] : sorted[0]) ?? 0, chosen: `the ${second ? 'second ' : ''}highest of the last ${seen.length} call(s) its server counted` };
}

/** The estimate an entry's prompts are sized with, from what its server taught (see PROMPT_ESTIMATE). Pure. */
export function promptSizing(learned: LearnedPrompts | undefined): PromptSizing {
  const reports = learned?.reports ?? 0;
  const margin = reports < PROMPT_ESTIMATE.firstReports ? PROMPT_ESTIMATE.firstMargin : PROMPT_ESTIMATE.margin;
  const spare = `with ${Math.round(margin * 100)}% to spare`;
  const estimate = learnedTokensPerByte(learned?.seen);
  if (estimate === undefined) {
    return { tokensPerByte: PROMPT_ESTIMATE.priorTokensPerByte * (1 + margin), source: `the prior of ${PROMPT_ESTIMATE.priorTokensPerByte} tokens a byte ${spare}: the server has reported no usage yet` };
  }
  return { tokensPerByte: estimate.tokensPerByte * (1 + margin), source: `${round(estimate.tokensPerByte)} tokens a byte, ${estimate.chosen}, ${spare}` };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * Whether an entry's prompts are held to its window before they are sent: a local OpenAI-compatible
 * server's (its `base_url` set), which refuses or cuts an over-long prompt where a hosted API's window
 * is large and its refusal plain. The engine sizes such an entry's prompts with the estimate. Pure.
 */
export function heldToWindow(entry: Pick<ModelEntry, 'provider' | 'base_url'>): boolean {
  return entry.provider === 'openai-compatible' && entry.base_url !== undefined;
}

/** Bytes of a request's prompt as lemming sends it: the system prompt, each message, the tools' definitions. Pure. */
export function promptBytes(request: Pick<ProviderRequest, 'system' | 'messages' | 'tools'>): number {
  let bytes = Buffer.byteLength(request.system);
  for (const message of request.messages) bytes += Buffer.byteLength(message.content);
  return bytes + (request.tools.length > 0 ? Buffer.byteLength(JSON.stringify(request.tools)) : 0);
}

/** The estimate of a request's prompt tokens by `sizing` (see PROMPT_ESTIMATE). Pure. */
export function estimatedPromptTokens(request: Pick<ProviderRequest, 'system' | 'messages' | 'tools'>, sizing: Pick<PromptSizing, 'tokensPerByte'>): number {
  return Math.ceil(promptBytes(request) * sizing.tokensPerByte);
}

/** Counts a request's prompt with the model's tokenizer; undefined when the server offers no way to. */
export type TokenCounter = (request: ProviderRequest) => Promise<number | undefined>;

/** Tokens a chat template may add around each message (role markers, separators), as the bound allows them. */
export const TEMPLATE_TOKENS_PER_MESSAGE = 32;
/** Tokens a template may add to describe tools beside their JSON (OpenAI's and Anthropic's tool preambles are a few hundred). */
const TEMPLATE_TOKENS_FOR_TOOLS = 512;

/**
 * The most tokens a request's prompt can be, whatever the tokenizer: no tokenizer makes more
 * tokens than the bytes it reads (byte-level BPE and SentencePiece's byte fallback alike), plus room
 * for a template's markers. It errs high, often by four times: it is for holding a prompt to a window
 * where nothing better is known. Pure.
 */
export function promptTokenBound(request: Pick<ProviderRequest, 'system' | 'messages' | 'tools'>): number {
  const tools = request.tools.length > 0 ? TEMPLATE_TOKENS_FOR_TOOLS : 0;
  return promptBytes(request) + tools + TEMPLATE_TOKENS_PER_MESSAGE * (request.messages.length + 1);
}

/**
 * The tokens a prompt may take of an entry's window: the window (or the smaller one its server said it
 * holds, `serverWindow`) less room for the answer (the entry's `max_output_tokens`, else the usual
 * reserve; never more than half the window). Pure.
 */
export function promptRoom(entry: Pick<ModelEntry, 'context_window' | 'max_output_tokens'>, serverWindow?: number): number {
  const window = Math.min(entry.context_window, serverWindow ?? Number.POSITIVE_INFINITY);
  const answer = Math.min(entry.max_output_tokens ?? MODEL_DEFAULTS.outputReserveTokens, Math.floor(window / 2));
  return window - answer;
}

/** How one entry's prompts are held to its window. */
export interface ContextFit {
  modelKey: string;
  entry: Pick<ModelEntry, 'context_window' | 'max_output_tokens'>;
  /** The model's tokenizer, where its server offers one. */
  count?: TokenCounter;
}

/**
 * Throws, before anything is sent, when the request's prompt does not fit its entry's window: by the
 * tokenizer's count where the server offers one, else by the estimate the request carries
 * (`promptSizing`), else by the bound. The error says how it counted, the room the window leaves and
 * where that is set; a prompt within the bound is not counted at all. Only the declared
 * `context_window` stops a call here: a smaller window a server once stated sizes what a prompt shows
 * (engine/turn/build-prompt.ts), but a prompt that cannot be made to fit it is the server's to refuse,
 * so a window it no longer holds is unlearned by its answer, never kept by calls not made.
 */
export async function assertPromptFits(request: ProviderRequest, fit: ContextFit): Promise<void> {
  const sizing = request.promptSizing?.[fit.modelKey];
  const room = promptRoom(fit.entry);
  const bound = promptTokenBound(request);
  if (bound <= room) return;
  const counted = fit.count ? await fit.count(request) : undefined;
  if (counted !== undefined && counted <= room) return;
  const estimated = counted === undefined && sizing ? estimatedPromptTokens(request, sizing) : undefined;
  if (estimated !== undefined && estimated <= room) return;
  const how =
    counted !== undefined
      ? `${counted} tokens, counted by the server's tokenizer`
      : estimated !== undefined && sizing
        ? `about ${estimated} tokens of ${promptBytes(request)} bytes by lemming's estimate (the server offers no /tokenize to count with; ${sizing.source})`
        : `up to ${bound} tokens by a bound that errs high (a token a byte: the server offers no /tokenize to count with)`;
  const answer = fit.entry.context_window - room;
  const why = fit.entry.max_output_tokens === undefined ? `${answer} kept for the answer` : `${answer} for the answer (max_output_tokens)`;
  throw new ProviderError(`${fit.modelKey}: the prompt is ${how}, more than the ${room} that org/org.yaml models.${fit.modelKey}.context_window: ${fit.entry.context_window} leaves it beside ${why}; it was not sent`, {
    retryable: false,
    code: CONTEXT_COUNTED_CODE,
  });
}
