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

  constructor(message: string, options: { retryable: boolean; status?: number; retryAfterMs?: number; cause?: unknown }) {
    super('provider-error', message, { cause: options.cause });
    this.name = 'ProviderError';
    this.retryable = options.retryable;
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}
