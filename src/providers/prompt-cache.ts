import type { Org } from '../org/org.js';
import type { ModelEntry } from '../org/schema.js';
import type { Provider, ProviderRequest, ProviderResponse } from './provider.js';

/**
 * How a call is laid out so that a provider's prompt cache can serve most of it.
 *
 * Every call an agent makes starts with what does not change between its calls, in the same bytes
 * each time: the tools, then the stable part of the system prompt (its resume, the rules, its place
 * in the chart; build-prompt.ts puts its notes after them and says where they start in
 * `request.stableSystem`). What changes (notes, mail, the turn, the steps of this turn) comes after.
 * Each vendor is then told where the unchanging part ends in its own words:
 * - Anthropic: `cache_control` breakpoints after the tools, after the stable system part and on the
 *   last message (so a turn's later steps read its earlier ones); 3 of the 4 it allows.
 * - OpenAI: `prompt_cache_key`, one per agent, so its calls reach the machine that holds its prefix.
 * - A local server (llama.cpp) chooses a slot itself, by the longest prefix a slot holds, and is
 *   sent nothing. With `cache_slots: N`, and only while every agent on the entry can have a slot of
 *   its own (N or fewer), each keeps to its own slot (`id_slot`, with `cache_prompt`): slots are
 *   assigned, not hashed, since two agents hashed onto one slot evict each other's prefix and wait
 *   for each other while other slots sit idle (measured: 55.8 % of input tokens cached against
 *   73.0 % when the server chose). With more agents than slots nobody is pinned. Other servers (vLLM,
 *   Ollama, LM Studio) reuse a prefix they have seen without being told, and are sent nothing they
 *   might refuse.
 * A registry entry turns the marks off with `prompt_cache: false`; the layout stays. It does not turn a
 * server's own cache off (llama.cpp caches unless started with `--no-cache-prompt`; OpenAI caches
 * long prompts by itself).
 */

/** The system prompt as the part every call of the agent repeats and the part that changes (possibly empty). Pure. */
export function splitSystem(request: Pick<ProviderRequest, 'system' | 'stableSystem'>): { stable: string; rest: string } {
  const at = Math.max(0, Math.min(request.stableSystem ?? 0, request.system.length));
  return { stable: request.system.slice(0, at), rest: request.system.slice(at) };
}

/** The key that groups one agent's calls for OpenAI's prompt cache. Pure. */
export function promptCacheKey(request: Pick<ProviderRequest, 'agent'>): string {
  // OpenAI routes by this key together with the prompt's start; a short, readable one is enough.
  return `lemming:${request.agent}`.slice(0, 64);
}

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
export class SlotPinningProvider implements Provider {
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
export function withCacheSlots(provider: Provider, org: Pick<Org, 'agents'>, modelKey: string, entry: ModelEntry): Provider {
  const slots = slotsOfEntry(org, modelKey, entry);
  return slots.size === 0 ? provider : new SlotPinningProvider(provider, slots);
}
