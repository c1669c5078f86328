import type { Org } from '../org/org.js';
import type { ProviderFactory } from '../providers/create-provider.js';
import { FallbackProvider } from '../providers/fallback-provider.js';
import type { ModelEntry } from '../org/schema.js';
import type { Provider, ProviderRequest, ProviderResponse } from '../providers/provider.js';
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

// llama.cpp's slots (providers/prompt-cache.ts says why): which agent keeps to which is decided here, where the
// org's agents are known, and travels on the request (`cacheSlot`) to the wire (openai-wire.ts) and to a worker.

/**
 * Which slot of `slots` each agent keeps to: one of its own each, in name order, when there are
 * slots enough for every agent; none at all when there are not (the server then chooses, which
 * beats sharing a slot). Pure.
 */
export function assignSlots(agents: Iterable<string>, slots: number): ReadonlyMap<string, number> {
  const names = [...new Set(agents)].sort();
  if (names.length > slots) return new Map();
  return new Map(names.map((name, index) => [name, index]));
}

/**
 * The slots of an entry's llama.cpp server as the org's agents share them (see assignSlots): every
 * agent that names the entry among its models, fallbacks included. Empty for an entry that names no
 * `cache_slots`, or turns its marks off. Pure.
 */
export function slotsOfEntry(org: Pick<Org, 'agents'>, modelKey: string, entry: ModelEntry): ReadonlyMap<string, number> {
  if (entry.provider !== 'openai-compatible' || entry.cache_slots === undefined || entry.prompt_cache === false) return new Map();
  const agents = [...org.agents.values()].filter((agent) => !agent.isHuman && agent.models.includes(modelKey)).map((agent) => agent.name);
  return assignSlots(agents, entry.cache_slots);
}

/** An entry's provider whose requests carry the slot their agent keeps to, when it has one (`ProviderRequest.cacheSlot`). */
class SlotPinningProvider implements Provider {
  constructor(
    private readonly inner: Provider,
    private readonly slots: ReadonlyMap<string, number>,
  ) {}

  generate(request: ProviderRequest): Promise<ProviderResponse> {
    const slot = this.slots.get(request.agent);
    return this.inner.generate(slot === undefined ? request : { ...request, cacheSlot: slot });
  }
}

/** The provider for an entry, pinning its agents to slots where the org's agents can each have one (see slotsOfEntry). */
function withCacheSlots(provider: Provider, org: Pick<Org, 'agents'>, modelKey: string, entry: ModelEntry): Provider {
  const slots = slotsOfEntry(org, modelKey, entry);
  return slots.size === 0 ? provider : new SlotPinningProvider(provider, slots);
}
