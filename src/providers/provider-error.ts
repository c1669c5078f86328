import { LemmingError } from '../errors.js';
import type { AnsweredUsage } from './provider.js';

/**
 * A failed model call. `retryable` says whether trying again may help
 * (408, 409, 429, 5xx, connection errors, timeouts).
 */
export class ProviderError extends LemmingError {
  readonly retryable: boolean;
  readonly status?: number;
  /** Milliseconds the server asked us to wait (Retry-After), when it said. */
  readonly retryAfterMs?: number;
  /**
   * The run cannot go on (for example, a replayed run met a request its cassette
   * does not hold): the engine stops the run instead of recording an error for the
   * agent, and no fallback model is tried.
   */
  readonly fatal: boolean;
  /**
   * Answers that came back but could not be used (a body of the wrong shape with its usage):
   * the server counted their tokens, so the engine charges them though the call failed.
   */
  readonly unusable?: AnsweredUsage[];

  constructor(
    message: string,
    options: { retryable: boolean; status?: number; retryAfterMs?: number; fatal?: boolean; code?: string; cause?: unknown; unusable?: AnsweredUsage[] },
  ) {
    super(options.code ?? 'provider-error', message, { cause: options.cause });
    this.name = 'ProviderError';
    this.retryable = options.retryable;
    this.fatal = options.fatal ?? false;
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.unusable !== undefined && options.unusable.length > 0) this.unusable = options.unusable;
  }

  /** The same failure (its words, kind, status and cause) carrying `unusable` as its unusable answers instead. */
  withUnusable(unusable: AnsweredUsage[]): ProviderError {
    return new ProviderError(this.message, {
      retryable: this.retryable,
      fatal: this.fatal,
      code: this.code,
      cause: this.cause,
      ...(this.status === undefined ? {} : { status: this.status }),
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      unusable,
    });
  }
}

/** HTTP statuses worth another attempt: timeout, conflict, rate limit and any server error. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** True for an error that must stop the run rather than fail one agent's call. */
export function isFatalProviderError(error: unknown): error is ProviderError {
  return error instanceof ProviderError && error.fatal;
}

/**
 * The `code` of a ProviderError that says the server refused the key (401, 403): no retry helps,
 * and no later turn will either until a person changes the key or the entry.
 */
export const KEY_REFUSED_CODE = 'key-refused';

/** True for a refused key (see KEY_REFUSED_CODE). */
export function isKeyRefused(error: unknown): boolean {
  return error instanceof ProviderError && error.code === KEY_REFUSED_CODE;
}

/** The `code` of a ProviderError that says the prompt does not fit the model's context window: the server refused it. */
export const CONTEXT_LENGTH_CODE = 'context-length';

/**
 * The `code` of a ProviderError that says the prompt does not fit its entry's declared window by
 * lemming's own count (context-fit.ts), so it was never sent: the declared window is not to blame.
 */
export const CONTEXT_COUNTED_CODE = 'context-counted';

/**
 * How servers say a prompt is too long for the model's window: llama.cpp ("exceeds the
 * available context size"; with context shift on, "is larger than the max context size"), OpenAI ("maximum context length", `context_length_exceeded`),
 * Anthropic ("prompt is too long"), vLLM and others ("context length", "context window").
 */
const CONTEXT_LENGTH_TEXT = /exceeds the available context size|larger than the max context size|context_length_exceeded|maximum context length|prompt is too long|context length|context window|too many tokens/i;

/** True when a server's error text says the prompt does not fit. */
export function isContextLengthText(text: string): boolean {
  return CONTEXT_LENGTH_TEXT.test(text);
}

/** True for a failed call whose prompt did not fit the model's context window: a smaller prompt may succeed. */
export function isContextLengthError(error: unknown): error is ProviderError {
  return error instanceof ProviderError && (error.code === CONTEXT_LENGTH_CODE || error.code === CONTEXT_COUNTED_CODE);
}

/** True for a prompt lemming counted too long for its entry's window, and did not send (see CONTEXT_COUNTED_CODE). */
export function isCountedTooLong(error: unknown): error is ProviderError {
  return error instanceof ProviderError && error.code === CONTEXT_COUNTED_CODE;
}

/** The sizes a server's refusal states: the prompt's tokens as it counted them, and the context it holds. */
export interface StatedSizes {
  promptTokens: number;
  window: number;
}

/**
 * llama.cpp: "request (5120 tokens) exceeds the available context size (4096 tokens)" (with context
 * shift on: "input (5120 tokens) is larger than the max context size (4096 tokens)"); vLLM and
 * OpenAI: "maximum context length is 4096 tokens. However, you requested 5120 tokens (4864 in the
 * messages, 256 in the completion)".
 */
const LLAMA_SIZES = /(?:request|input) \((\d+) tokens\) (?:exceeds the available|is larger than the max) context size \((\d+) tokens\)/;
const OPENAI_SIZES = /maximum context length is (\d+) tokens[^]*?\((\d+) in the messages/;

function sizesIn(message: string): StatedSizes | undefined {
  const llama = LLAMA_SIZES.exec(message);
  if (llama) return { promptTokens: Number(llama[1]), window: Number(llama[2]) };
  const openai = OPENAI_SIZES.exec(message);
  return openai ? { promptTokens: Number(openai[2]), window: Number(openai[1]) } : undefined;
}

/** The sizes a refusal of a prompt as too long states, when its server says them (see StatedSizes). Pure. */
export function statedSizes(error: unknown): StatedSizes | undefined {
  if (!(error instanceof ProviderError) || error.code !== CONTEXT_LENGTH_CODE) return undefined;
  const sizes = sizesIn(error.message);
  return sizes && areSizes(sizes) ? sizes : undefined;
}

/** Whether stated sizes are whole numbers of tokens above 0: from a refusal's text, or as a journal keeps them. Pure. */
export function areSizes(sizes: StatedSizes): boolean {
  return sizes.promptTokens > 0 && sizes.window > 0 && Number.isSafeInteger(sizes.promptTokens) && Number.isSafeInteger(sizes.window);
}

/**
 * The most bytes of a model's answer lemming reads (Chat Completions, Messages, embeddings): some 4
 * million tokens of text, past any model's output; a server that sends more, or a compressed body that
 * opens to more, is not read further (sdk-call.ts: the call fails, not retried). Kept here, beside the
 * code of that failure, so what says it (the ledger's note, a worker's bound) loads no SDK call.
 */
export const ANSWER_MAX_BYTES = 16 * 1024 * 1024;

/**
 * The `code` of a ProviderError that says the server's answer was past the most lemming reads of one
 * (sdk-call.ts, ANSWER_MAX_BYTES): refused unread, so no usage of it is known. Its server did the work, so
 * the usage gate (usage-gate.ts) charges it at what its call was reserved at, and the engine holds the
 * agent at once (engine/turn/failing-agents.ts). The activity log's `error` line says it as its `cause`.
 */
export const ANSWER_TOO_LARGE_CODE = 'answer-too-large';

/** The cause an activity log's `error` line gives a failed call, when it is one lemming refused: an answer too large to read. */
export function refusedCallCause(error: unknown): typeof ANSWER_TOO_LARGE_CODE | undefined {
  return error instanceof ProviderError && error.code === ANSWER_TOO_LARGE_CODE ? ANSWER_TOO_LARGE_CODE : undefined;
}

/** The codes a recording keeps with a failure, since what the engine does next, or logs, depends on them (a smaller prompt, a hold at once, a refused answer's cause). */
export const RECORDED_CODES: ReadonlySet<string> = new Set([CONTEXT_LENGTH_CODE, CONTEXT_COUNTED_CODE, KEY_REFUSED_CODE, ANSWER_TOO_LARGE_CODE]);

/** The unusable answers a failure carries (see ProviderError.unusable): none for any other error. */
export function unusableAnswers(error: unknown): AnsweredUsage[] {
  return error instanceof ProviderError ? (error.unusable ?? []) : [];
}
