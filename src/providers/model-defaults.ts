/**
 * What lemming assumes when a registry entry leaves a setting out. Documented in
 * docs/real-models.md, so a person can predict what a run will do.
 */
export const MODEL_DEFAULTS = {
  /** `timeout_ms`: long, because local models on a CPU can take minutes to answer. */
  timeoutMs: 120_000,
  /** `max_retries`: attempts after the first, so four attempts in all. */
  maxRetries: 3,
  /**
   * `max_output_tokens`: Anthropic requires a cap on every call, and the credit check
   * before a call counts this many output tokens when the entry names no cap.
   */
  maxOutputTokens: 1_024,
  /** Tokens of a context window kept for the answer when a prompt is sized, and when the entry names no `max_output_tokens`. */
  outputReserveTokens: 1_024,
} as const;

/** Backoff between attempts: exponential from `baseDelayMs`, capped, with jitter. */
export const RETRY_TIMING = {
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  /** A server that asks for a longer wait than this (Retry-After) is not waited for: the call fails, and a fallback may answer. */
  maxRetryAfterMs: 60_000,
} as const;
