import { LemmingError } from '../errors.js';
import { HUMAN_MODEL, type Org } from '../org/org.js';
import type { ModelEntry } from '../org/schema.js';
import { readDotEnv } from './dot-env.js';

/** Where keys are looked up: the environment first, then the org root's `.env`. */
export type KeyLookup = (variable: string) => string | undefined;

/** A lookup over the process environment and the root's `.env` (read once). */
export function keyLookup(root: string, env: Readonly<Record<string, string | undefined>> = process.env): KeyLookup {
  let dotEnv: Map<string, string> | undefined;
  return (variable) => {
    const fromEnv = env[variable];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    dotEnv ??= readDotEnv(root);
    const fromFile = dotEnv.get(variable);
    return fromFile === '' ? undefined : fromFile;
  };
}

/**
 * The environment variable that holds an entry's key: `api_key_env`, else the
 * vendor's usual name. An `openai-compatible` server needs no key unless the entry
 * names one, so that a local server is never sent an OpenAI key by accident.
 */
export function keyVariableFor(entry: ModelEntry): string | undefined {
  if (entry.api_key_env !== undefined) return entry.api_key_env;
  if (entry.provider === 'openai') return 'OPENAI_API_KEY';
  if (entry.provider === 'anthropic') return 'ANTHROPIC_API_KEY';
  return undefined;
}

/** A variable that is needed and not set, with the agents whose models need it. */
export interface MissingKey {
  variable: string;
  models: string[];
  agents: string[];
}

/** Every key the org's agents need and the lookup cannot find, in variable order. Pure, given the lookup. */
export function findMissingKeys(org: Org, lookup: KeyLookup): MissingKey[] {
  const missing = new Map<string, MissingKey>();
  for (const agent of org.agents.values()) {
    if (agent.isHuman) continue;
    for (const modelKey of agent.models) {
      if (modelKey === HUMAN_MODEL) continue;
      const entry = org.models[modelKey];
      const variable = entry ? keyVariableFor(entry) : undefined;
      if (variable === undefined || lookup(variable) !== undefined) continue;
      const found = missing.get(variable) ?? { variable, models: [], agents: [] };
      if (!found.models.includes(modelKey)) found.models.push(modelKey);
      if (!found.agents.includes(agent.name)) found.agents.push(agent.name);
      missing.set(variable, found);
    }
  }
  return [...missing.values()].sort((left, right) => (left.variable < right.variable ? -1 : 1));
}

/** Thrown before the first turn when a key is missing: names each variable and the agents that need it, never a value. */
export class MissingApiKeyError extends LemmingError {
  readonly missing: MissingKey[];

  constructor(missing: MissingKey[]) {
    const parts = missing.map(
      (item) =>
        `${item.variable} is not set (needed by ${item.agents.join(', ')} for org/org.yaml models ${item.models.join(', ')})`,
    );
    super(
      'missing-api-key',
      `${parts.join('; ')}. Set it in the environment or in a .env file in the org root (a line like ${missing[0]?.variable ?? 'OPENAI_API_KEY'}=...), or give those agents another model.`,
    );
    this.name = 'MissingApiKeyError';
    this.missing = missing;
  }
}

/** Throw MissingApiKeyError when any key the org's agents need is not set. */
export function assertApiKeys(org: Org, lookup: KeyLookup): void {
  const missing = findMissingKeys(org, lookup);
  if (missing.length > 0) throw new MissingApiKeyError(missing);
}
