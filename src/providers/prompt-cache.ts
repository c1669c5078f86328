import type { ProviderRequest } from './provider.js';

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
 * - A local server (llama.cpp): with `cache_slots: N`, each agent keeps to one of N slots
 *   (`id_slot`) with `cache_prompt`, so agents do not evict one another's prefix. Other servers
 *   (vLLM, Ollama, LM Studio) reuse a prefix they have seen without being told, and are sent
 *   nothing they might refuse.
 * A registry entry turns the marks off with `prompt_cache: false`; the layout stays.
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

/** The llama.cpp slot an agent keeps to, of `slots`: the same for every call of that agent. Pure. */
export function cacheSlot(agent: string, slots: number): number {
  // FNV-1a: a stable spread of names over slots, the same in every process.
  let hash = 0x811c9dc5;
  for (let index = 0; index < agent.length; index += 1) {
    hash ^= agent.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % slots;
}
