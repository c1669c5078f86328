import type { Org } from '../org/org.js';
import type { ProviderFactory } from '../providers/create-provider.js';
import { FallbackProvider } from '../providers/fallback-provider.js';
import { withCacheSlots } from '../providers/prompt-cache.js';
import type { Provider } from '../providers/provider.js';
import { WAITING_NOTICE_MS, WaitingNoticeProvider } from '../providers/waiting-notices.js';

/**
 * The engine's providers, one per model key, and the chains built of them for agents with
 * fallbacks: made on first use and kept until the org's files change (`clear`), so a turn
 * does not build a provider per call.
 */
export class ProviderChains {
  private readonly providers = new Map<string, Provider>();
  private readonly chains = new Map<string, Provider>();

  constructor(private readonly factory: ProviderFactory) {}

  /** The provider for an agent's models: the first answers, the rest are its fallbacks in order. */
  for(org: Org, modelKeys: readonly string[]): Provider {
    const chainKey = modelKeys.join('\n');
    let chain = this.chains.get(chainKey);
    if (!chain) {
      const links = modelKeys.map((modelKey) => {
        const entry = org.models[modelKey];
        if (!entry) throw new Error(`the model ${JSON.stringify(modelKey)} is not in org/org.yaml models`);
        let provider = this.providers.get(modelKey);
        if (!provider) {
          // Each model of a chain says for itself that it keeps a call waiting (the first may have failed over to it).
          // Its agents keep to llama.cpp slots of their own where there are enough (the org's agents decide: kept until it changes).
          provider = new WaitingNoticeProvider(withCacheSlots(this.factory(modelKey, entry), org, modelKey, entry), org.settings.waiting_notice_ms ?? WAITING_NOTICE_MS);
          this.providers.set(modelKey, provider);
        }
        return { modelKey, entry, provider };
      });
      chain = links.length === 1 && links[0] ? links[0].provider : new FallbackProvider(links);
      this.chains.set(chainKey, chain);
    }
    return chain;
  }

  /** Forget every provider and chain: the org's models may have changed. */
  clear(): void {
    this.providers.clear();
    this.chains.clear();
  }
}
