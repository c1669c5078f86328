import { errorMessage } from '../errors.js';
import { RETRY_TIMING } from './model-defaults.js';
import { ProviderError, unusableAnswers } from './provider-error.js';
import type { AnsweredUsage, Provider, ProviderRequest, ProviderResponse } from './provider.js';
import { chargedAnswers, chargedTogether } from './usage.js';
import { sleep as realSleep, type Sleep } from './sleep.js';

/** How a provider retries. Every field has a documented default. */
export interface RetryPolicy {
  /** Attempts after the first (org.yaml `max_retries`). */
  maxRetries: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the call fails at once. */
  maxRetryAfterMs?: number;
}

/** What a retrying provider waits with; injected so tests run instantly and predictably. */
export interface RetryEnvironment {
  sleep?: Sleep;
  /** A number in [0, 1); injected so the jitter is predictable in tests. */
  random?: () => number;
}

/**
 * The wait before retry number `attempt` (0 for the first retry): exponential,
 * capped, with "equal jitter" (half fixed, half random) so that many agents hit by
 * the same outage do not come back in lockstep. Pure.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: number): number {
  const base = policy.baseDelayMs ?? RETRY_TIMING.baseDelayMs;
  const cap = policy.maxDelayMs ?? RETRY_TIMING.maxDelayMs;
  const ceiling = Math.min(cap, base * 2 ** attempt);
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

/**
 * Retries a provider's retryable failures (408, 409, 429, 5xx, connection errors,
 * timeouts) with exponential backoff and jitter, honouring Retry-After, for a
 * bounded number of attempts. Anything else, and the last failure, is thrown to
 * the caller: the engine records it as that agent's error, or a fallback answers.
 */
export class RetryingProvider implements Provider {
  private readonly sleep: Sleep;
  private readonly random: () => number;

  constructor(
    private readonly inner: Provider,
    private readonly policy: RetryPolicy,
    environment: RetryEnvironment = {},
  ) {
    this.sleep = environment.sleep ?? realSleep;
    this.random = environment.random ?? Math.random;
  }

  async generate(request: ProviderRequest): Promise<ProviderResponse> {
    const failures: string[] = [];
    // Answers of failed attempts that came back unusable are charged with the one that answers, or carried by the failure.
    const unusable: AnsweredUsage[] = [];
    const attempts = this.policy.maxRetries + 1;
    for (let attempt = 0; ; attempt += 1) {
      try {
        const answered = await this.inner.generate(request);
        const response = unusable.length === 0 ? answered : chargedTogether(answered, [...unusable, ...chargedAnswers(answered)]);
        if (failures.length === 0) return response;
        const note = `answered on attempt ${attempt + 1} of ${attempts}, after: ${failures.join('; ')}`;
        return { ...response, notes: [...(response.notes ?? []), note] };
      } catch (error) {
        if (request.signal?.aborted || !(error instanceof ProviderError) || error.fatal) throw error;
        if (!error.retryable) throw unusable.length === 0 ? error : new ProviderError(errorMessage(error), retained(error, unusable));
        unusable.push(...unusableAnswers(error));
        const message = errorMessage(error);
        if (attempt + 1 >= attempts) {
          throw new ProviderError(attempts > 1 ? `${message} (gave up after ${attempts} attempts)` : message, retained(error, unusable));
        }
        const wait = this.waitBefore(attempt, error);
        if (wait === undefined) {
          const limit = Math.round((this.policy.maxRetryAfterMs ?? RETRY_TIMING.maxRetryAfterMs) / 1000);
          throw new ProviderError(
            `${message} (the server asked to wait ${Math.ceil((error.retryAfterMs ?? 0) / 1000)} s, longer than lemming waits within a turn: ${limit} s)`,
            retained(error, unusable),
          );
        }
        failures.push(`${message} (waited ${formatSeconds(wait)})`);
        request.onRetry?.({ modelKey: request.modelKey, attempt: attempt + 2, attempts, waitMs: wait, cause: message });
        await this.sleep(wait, request.signal);
      }
    }
  }

  /** Milliseconds to wait before the next attempt, or undefined when the server asks for more than lemming will wait. */
  private waitBefore(attempt: number, error: ProviderError): number | undefined {
    if (error.retryAfterMs !== undefined) {
      return error.retryAfterMs > (this.policy.maxRetryAfterMs ?? RETRY_TIMING.maxRetryAfterMs) ? undefined : error.retryAfterMs;
    }
    return backoffDelay(attempt, this.policy, this.random());
  }
}

/** The failure's kind, kept on the error that replaces it, with every unusable answer so far (its own included). */
function retained(error: ProviderError, unusable: readonly AnsweredUsage[]): ConstructorParameters<typeof ProviderError>[1] {
  const answers = [...unusable, ...unusableAnswers(error).filter((answer) => !unusable.includes(answer))];
  return {
    retryable: error.retryable,
    ...(error.status === undefined ? {} : { status: error.status }),
    code: error.code,
    cause: error,
    ...(answers.length > 0 ? { unusable: answers } : {}),
  };
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
