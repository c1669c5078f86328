import type { ClientSettings } from './client-settings.js';
import { UsageGate } from './usage-gate.js';
import { LazyProvider } from './lazy-provider.js';
import { MODEL_DEFAULTS } from './model-defaults.js';
import type { Provider } from './provider.js';
import { RateLimitedProvider } from './rate-limited-provider.js';
import { RateLimiter } from './rate-limiter.js';
import { RetryingProvider } from './retrying-provider.js';
import type { Sleep } from './sleep.js';

/**
 * A live model's provider: the vendor adapter (its SDK imported on the first call), or
 * the adapter of an agent program or an HTTP agent, behind the usage gate, the entry's rate
 * limits and lemming's retries. This module is itself loaded
 * on a live model's first call, so a run on the offline model never loads it.
 */
export function liveChain(settings: ClientSettings, sleep?: Sleep): Provider {
  const { entry } = settings;
  const adapter = new LazyProvider(async () => {
    const lookup = settings.lookup ?? (() => undefined);
    if (entry.provider === 'command') {
      const { commandProvider } = await import('./command/command-provider.js');
      return commandProvider({ modelKey: settings.modelKey, entry, root: settings.root ?? process.cwd(), lookup });
    }
    if (entry.provider === 'http') {
      const { httpAgentProvider } = await import('./http/http-provider.js');
      return httpAgentProvider({ modelKey: settings.modelKey, entry, lookup, ...(settings.fetch ? { fetch: settings.fetch } : {}) });
    }
    if (entry.provider === 'anthropic') {
      const { anthropicProvider, createAnthropicClient } = await import('./anthropic/anthropic-provider.js');
      return anthropicProvider(createAnthropicClient(settings), settings);
    }
    const { openAIProvider, createOpenAIClient } = await import('./openai/openai-provider.js');
    return openAIProvider(createOpenAIClient(settings), settings, entry.provider === 'openai' ? 'openai' : 'openai-compatible');
  });
  const limits = entry.limits ?? {};
  const limiter = new RateLimiter({
    ...(limits.concurrency === undefined ? {} : { concurrency: limits.concurrency }),
    ...(limits.requests_per_minute === undefined ? {} : { requestsPerMinute: limits.requests_per_minute }),
    ...(limits.tokens_per_minute === undefined ? {} : { tokensPerMinute: limits.tokens_per_minute }),
  });
  // What the adapter's answers report passes the usage gate first: the limits, the retries and the engine count what it admitted.
  const gated = new UsageGate(adapter, settings.modelKey, entry);
  return new RetryingProvider(new RateLimitedProvider(gated, limiter), { maxRetries: entry.max_retries ?? MODEL_DEFAULTS.maxRetries }, sleep ? { sleep } : {});
}
