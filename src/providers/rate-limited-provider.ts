import { estimateInputTokens } from './request-tokens.js';
import type { Provider, ProviderRequest, ProviderResponse } from './provider.js';
import type { RateLimiter } from './rate-limiter.js';

/**
 * Holds each call until its registry entry's limits have room. Sits inside the
 * retries, so every attempt counts against the limits and a backoff holds no slot.
 */
export class RateLimitedProvider implements Provider {
  constructor(
    private readonly inner: Provider,
    private readonly limiter: RateLimiter,
  ) {}

  async generate(request: ProviderRequest): Promise<ProviderResponse> {
    // Counted up front as the input estimate plus the output cap, then corrected to what the provider reports.
    const permit = await this.limiter.acquire(estimateInputTokens(request) + (request.maxOutputTokens ?? 0), request.signal);
    try {
      const response = await this.inner.generate(request);
      permit.release(response.usage.inputTokens + response.usage.outputTokens);
      return response;
    } catch (error) {
      permit.release();
      throw error;
    }
  }
}
