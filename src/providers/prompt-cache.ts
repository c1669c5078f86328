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
 * - A local server (llama.cpp) chooses a slot itself, by the longest prefix a slot holds, and is
 *   sent nothing. With `cache_slots: N`, and only while every agent on the entry can have a slot of
 *   its own (N or fewer), each keeps to its own slot (`id_slot`, with `cache_prompt`): slots are
 *   assigned, not hashed, since two agents hashed onto one slot evict each other's prefix and wait
 *   for each other while other slots sit idle (measured: 55.8 % of input tokens cached against
 *   73.0 % when the server chose). With more agents than slots nobody is pinned. Other servers (vLLM,
 *   Ollama, LM Studio) reuse a prefix they have seen without being told, and are sent nothing they
 *   might refuse. Which agent keeps to which slot is decided where the engine's providers meet the org
 *   (engine/provider-chains.ts); the request carries it (`cacheSlot`).
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
