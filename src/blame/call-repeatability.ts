import type { ModelEntry } from '../org/schema.js';

/** How far a model can make the same call again: what a control re-running the call as it was can be. */
export interface CallRepeatability {
  /** The registry key. */
  model: string;
  provider: string;
  /** `exactly`: the same seed gives the same answer; `best-effort`: the seed is sent, the provider may answer otherwise; `no`: it takes no seed. */
  repeats: 'exactly' | 'best-effort' | 'no';
  /** The seed the original call ran with, if any. */
  seed?: number;
  /** The temperature the call runs at, in words: lemming sets none. */
  temperature: string;
}

/**
 * What a control of a call on `model` re-runs: the offline model answers the same seed the same way
 * (it has no temperature); OpenAI's and compatible servers' seed is best-effort, at the provider's
 * default temperature (lemming sends none); a provider without a seed (Anthropic, an outside agent,
 * an HTTP endpoint) cannot repeat a call, and its control measures how much its calls differ. Pure.
 */
export function callRepeatability(model: string, entry: ModelEntry): CallRepeatability {
  const seed = 'seed' in entry && typeof entry.seed === 'number' ? { seed: entry.seed } : {};
  if (entry.provider === 'offline') return { model, provider: entry.provider, repeats: 'exactly', ...seed, temperature: 'none (the offline model is deterministic given its seed)' };
  const temperature = "the provider's default (lemming sends no temperature)";
  if (entry.provider === 'openai' || entry.provider === 'openai-compatible') return { model, provider: entry.provider, repeats: 'best-effort', ...seed, temperature };
  return { model, provider: entry.provider, repeats: 'no', temperature };
}

/** A model's repeatability, in a sentence of the report. Pure. */
export function repeatabilityLine(each: CallRepeatability): string {
  const seed = each.seed === undefined ? 'no seed set' : `seed ${each.seed}`;
  if (each.repeats === 'exactly') return `${each.model} (${each.provider}, ${seed}) repeats a call exactly: a control that passes says the run's outcome depends on something besides the call (the engine, a tool, a check).`;
  if (each.repeats === 'best-effort') return `${each.model} (${each.provider}, ${seed}, temperature ${each.temperature}) repeats a call at best: its seed is best-effort, so its controls measure how often the run passes by its own noise.`;
  return `${each.model} (${each.provider}, temperature ${each.temperature}) cannot repeat a call: it takes no seed, so its controls are new calls and measure how much its answers vary.`;
}
