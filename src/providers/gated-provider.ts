import type { ModelEntry } from '../org/schema.js';
import { ProviderError } from './provider-error.js';
import type { Provider, ProviderRequest, ProviderResponse, ToolCall } from './provider.js';
import { estimateInputTokens } from './request-tokens.js';
import { estimateOutputTokens } from './usage.js';
import { admitUsage, NO_COUNTS, usageLimits, type UntrustedUsage, type UsageLimits } from './usage-gate.js';

/**
 * One model's provider whose answers, and the unusable answers its failures carry, pass the usage
 * gate (usage-gate.ts) with that model's limits. It is put round each place usage comes into lemming:
 * a vendor's adapter, an agent program's and an HTTP agent's (live-chain.ts, inside the rate limits
 * and retries, so they count what the gate admitted), a worker's result read from the queue, and a
 * cassette's answer on replay. Every answer it gives is its model's: a result that names another
 * model, or splits itself between models, is counted as this one's.
 */
export class UsageGate implements Provider {
  private readonly limits: UsageLimits;

  constructor(
    private readonly inner: Provider,
    modelKey: string,
    entry: Pick<ModelEntry, 'context_window' | 'max_output_tokens' | 'max_retries'>,
  ) {
    this.limits = usageLimits(modelKey, entry);
  }

  async generate(request: ProviderRequest): Promise<ProviderResponse> {
    let response: ProviderResponse;
    try {
      response = await this.inner.generate(request);
    } catch (error) {
      throw admitFailure(error, this.limits);
    }
    return admitResponse(response, request, this.limits);
  }
}

/** An answer with its usage admitted: counts missing from it are lemming's estimate of the request and of what it says. Pure. */
export function admitResponse(response: ProviderResponse, request: ProviderRequest, limits: UsageLimits): ProviderResponse {
  const { charged: _split, ...answer } = response;
  const estimate = () => {
    const toolCalls: ToolCall[] = Array.isArray(response.toolCalls) ? response.toolCalls : [];
    return { inputTokens: estimateInputTokens(request), outputTokens: estimateOutputTokens(typeof response.text === 'string' ? response.text : '', toolCalls), estimated: true };
  };
  return { ...answer, modelKey: limits.modelKey, usage: admitUsage(response.usage as UntrustedUsage | undefined, limits, estimate) };
}

/** A failure with the unusable answers it carries admitted, each counting none where it reported none; any other error as it is. */
export function admitFailure(error: unknown, limits: UsageLimits): unknown {
  if (!(error instanceof ProviderError) || error.unusable === undefined) return error;
  const answers = Array.isArray(error.unusable) ? error.unusable : [];
  const unusable = answers.map((answer) => ({ modelKey: limits.modelKey, usage: admitUsage((answer as { usage?: UntrustedUsage } | null)?.usage, limits, NO_COUNTS) }));
  return new ProviderError(error.message, {
    retryable: error.retryable,
    fatal: error.fatal,
    code: error.code,
    cause: error.cause,
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    unusable,
  });
}
