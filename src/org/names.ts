/**
 * Agent names are folder names and appear in file names, so they are kept to a
 * small safe alphabet: no slashes, no dots, nothing a path could escape with.
 */
export const AGENT_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;

/** The person taking part in the org. Never called by the engine. */
export const HUMAN = 'human';

/** The sender name the engine uses for its own notices (refusals, out-of-credit alerts). */
export const ENGINE_SENDER = 'lemming';

/** How a valid agent name looks, for error messages. */
export const AGENT_NAME_HINT =
  'an agent name is 1-64 characters: a lowercase letter, then lowercase letters, digits, "_" or "-" (for example "coder_01")';

/** A name that matches `AGENT_NAME_PATTERN` and is not the engine's own sender name (`lemming`). */
export function isValidAgentName(name: unknown): name is string {
  return typeof name === 'string' && AGENT_NAME_PATTERN.test(name) && name !== ENGINE_SENDER;
}

/** The org's name, engine settings and model registry, relative to the root. */
export const ORG_FILE = 'org/org.yaml';
/** Who reports to whom and who may send to and read from whom, relative to the root. */
export const CHART_FILE = 'org/chart.yaml';
/** Forwarding rules and escalation of unanswered mail (optional), relative to the root. */
export const ROUTING_FILE = 'org/routing.yaml';
