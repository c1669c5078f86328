import { LemmingError } from '../errors.js';
import { HUMAN_MODEL, type Org } from '../org/org.js';
import { keyVariableFor } from '../org/org-secrets.js';
import type { KeyLookup } from '../secrets/key-lookup.js';

/** A variable that is needed and not set, with the agents whose models need it. */
export interface MissingKey {
  variable: string;
  models: string[];
  agents: string[];
}

/** Every key (and HTTP agent's header) the org's agents need and the lookup cannot find, in variable order. Pure, given the lookup. */
export function findMissingKeys(org: Org, lookup: KeyLookup): MissingKey[] {
  const missing = new Map<string, MissingKey>();
  for (const agent of org.agents.values()) {
    if (agent.isHuman) continue;
    for (const modelKey of agent.models) {
      if (modelKey === HUMAN_MODEL) continue;
      const entry = org.models[modelKey];
      // An HTTP agent's headers are needed as a key is: without one the endpoint refuses every call.
      const needed = entry ? [keyVariableFor(entry), ...Object.values(entry.headers ?? {})] : [];
      for (const variable of needed) {
        if (variable === undefined || lookup(variable) !== undefined) continue;
        const found = missing.get(variable) ?? { variable, models: [], agents: [] };
        if (!found.models.includes(modelKey)) found.models.push(modelKey);
        if (!found.agents.includes(agent.name)) found.agents.push(agent.name);
        missing.set(variable, found);
      }
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
