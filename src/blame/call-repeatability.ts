import { takesSeed } from '../org/model-entry-schema.js';
import type { ModelEntry } from '../org/schema.js';
import { temperatureSent } from '../provenance/report-provenance.js';

/** How far a model can make the same call again: what a control re-running the call as it was can be. */
export interface CallRepeatability {
  /** The registry key. */
  model: string;
  provider: string;
  /** `exactly`: the same seed gives the same answer; `best-effort`: the seed is sent, the provider may answer otherwise; `no`: it takes no seed. */
  repeats: 'exactly' | 'best-effort' | 'no';
  /** The seed the original call ran with, if any. */
  seed?: number;
  /** The temperature the call is sent with, in words (report-provenance.ts temperatureSent): lemming sets none. */
  temperature: string;
}

/**
 * What a control of a call on `model` re-runs: the offline model answers the same seed the same way
 * (it has no temperature); a provider that takes a seed (OpenAI's and compatible servers') repeats
 * at best, at the provider's default temperature (lemming sends none); a provider without a seed
 * (Anthropic, an agent program, an HTTP endpoint) cannot repeat a call, and its control measures how
 * much its calls differ. The temperature is said as every report's provenance says it. Pure.
 */
export function callRepeatability(model: string, entry: ModelEntry): CallRepeatability {
  const seed = 'seed' in entry && typeof entry.seed === 'number' ? { seed: entry.seed } : {};
  const repeats = entry.provider === 'offline' ? 'exactly' : takesSeed(entry.provider) ? 'best-effort' : 'no';
  return { model, provider: entry.provider, repeats, ...(repeats === 'no' ? {} : seed), temperature: temperatureSent(model, entry) };
}

/** A model's repeatability, in a sentence of the report. Pure. */
export function repeatabilityLine(each: CallRepeatability): string {
  const seed = each.seed === undefined ? 'no seed set' : `seed ${each.seed}`;
  if (each.repeats === 'exactly') return `${each.model} (${each.provider}, ${seed}) repeats a call exactly: a control that passes says the run's outcome depends on something besides the call (the engine, a tool, a check).`;
  if (each.repeats === 'best-effort') return `${each.model} (${each.provider}, ${seed}, temperature ${each.temperature}) repeats a call at best: its seed is best-effort, so its controls measure how often the run passes by its own noise.`;
  return `${each.model} (${each.provider}, temperature ${each.temperature}) cannot repeat a call: it takes no seed, so its controls are new calls and measure how much its answers vary.`;
}
