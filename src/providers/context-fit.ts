import type { ModelEntry } from '../org/schema.js';
import { MODEL_DEFAULTS } from './model-defaults.js';
import { CONTEXT_COUNTED_CODE, ProviderError } from './provider-error.js';
import type { ProviderRequest } from './provider.js';

/**
 * A prompt is never sent to a local server larger than its entry's `context_window` allows: lemming's
 * estimate (4 characters a token) can be far below what a small model's tokenizer counts (a
 * 512-token vocabulary counts about twice as many), and a local server either takes more than the
 * declared window (llama.cpp started with a larger `-c`) or cuts the prompt silently (Ollama keeps
 * the end of one longer than its `num_ctx`). So before a call the prompt is counted: by a bound that
 * errs high (a token a byte, with room for a chat template's markers) and, when that bound does not
 * fit and the server offers one, by the model's own tokenizer (llama.cpp's `/tokenize`). A prompt
 * that does not fit is not sent: the call fails as a server's refusal would (CONTEXT_COUNTED_CODE),
 * and the engine asks again showing less mail (engine/turn/context-retry.ts).
 */

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
  let bytes = Buffer.byteLength(request.system);
  for (const message of request.messages) bytes += Buffer.byteLength(message.content);
  const tools = request.tools.length > 0 ? Buffer.byteLength(JSON.stringify(request.tools)) + TEMPLATE_TOKENS_FOR_TOOLS : 0;
  return bytes + tools + TEMPLATE_TOKENS_PER_MESSAGE * (request.messages.length + 1);
}

/**
 * The tokens a prompt may take of an entry's window: the window less room for the answer (the
 * entry's `max_output_tokens`, else the usual reserve; never more than half the window). Pure.
 */
export function promptRoom(entry: Pick<ModelEntry, 'context_window' | 'max_output_tokens'>): number {
  const answer = Math.min(entry.max_output_tokens ?? MODEL_DEFAULTS.outputReserveTokens, Math.floor(entry.context_window / 2));
  return entry.context_window - answer;
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
 * bound when no tokenizer is offered, else by the tokenizer's count. The error says how it counted,
 * the room the window leaves and where that is set; a prompt within the bound is not counted at all.
 */
export async function assertPromptFits(request: ProviderRequest, fit: ContextFit): Promise<void> {
  const room = promptRoom(fit.entry);
  const bound = promptTokenBound(request);
  if (bound <= room) return;
  const counted = fit.count ? await fit.count(request) : undefined;
  if (counted !== undefined && counted <= room) return;
  const how =
    counted !== undefined
      ? `${counted} tokens, counted by the server's tokenizer`
      : `up to ${bound} tokens by a bound that errs high (a token a byte: the server offers no /tokenize to count with)`;
  const answer = fit.entry.context_window - room;
  const why = fit.entry.max_output_tokens === undefined ? `${answer} kept for the answer` : `${answer} for the answer (max_output_tokens)`;
  throw new ProviderError(
    `${fit.modelKey}: the prompt is ${how}, more than the ${room} that org/org.yaml models.${fit.modelKey}.context_window: ${fit.entry.context_window} leaves it beside ${why}; it was not sent`,
    { retryable: false, code: CONTEXT_COUNTED_CODE },
  );
}
