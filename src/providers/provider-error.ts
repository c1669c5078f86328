import { LemmingError } from '../errors.js';

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

  constructor(
    message: string,
    options: { retryable: boolean; status?: number; retryAfterMs?: number; fatal?: boolean; code?: string; cause?: unknown },
  ) {
    super(options.code ?? 'provider-error', message, { cause: options.cause });
    this.name = 'ProviderError';
    this.retryable = options.retryable;
    this.fatal = options.fatal ?? false;
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
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
