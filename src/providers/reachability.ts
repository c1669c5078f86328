import { connect } from 'node:net';
import { LemmingError } from '../errors.js';
import { HUMAN_MODEL, type Org } from '../org/org.js';
import type { ModelEntry } from '../org/schema.js';

/** Where each vendor's API is when an entry names no `base_url`. */
export const VENDOR_URLS: Record<string, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
};

/** How long a probe waits for a connection: a server that answers slowly is still reachable. */
export const PROBE_TIMEOUT_MS = 5_000;

/** A model entry whose server nothing answers at: no connection at all, not a bad answer. */
export interface UnreachableModel {
  modelKey: string;
  url: string;
  /** What the connection attempt met ("connection refused", "no such host", ...), or why the program cannot run. */
  cause: string;
  /** An agent program that is not installed here (`url` is then its `command`), not a server. */
  program?: true;
  /** Agents that have no other model that can be reached. */
  agents: string[];
}

/** Error codes of a connection attempt that mean nothing is there, in words a person knows. */
const CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused: nothing listens there',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be looked up',
  EHOSTUNREACH: 'the host cannot be reached',
  ENETUNREACH: 'the network cannot be reached',
};

/**
 * Try to open a TCP connection to the server behind `url`; resolve to why it failed,
 * or undefined when something answered. Nothing is sent: a probe costs no request.
 */
export function probeServer(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<string | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.resolve(`not a URL: ${url}`);
  }
  const port = Number(parsed.port) || (parsed.protocol === 'https:' ? 443 : 80);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (cause: string | undefined): void => {
      socket.destroy();
      resolve(cause);
    };
    socket.setTimeout(timeoutMs, () => finish(`no connection within ${Math.round(timeoutMs / 1000)} s`));
    socket.once('connect', () => finish(undefined));
    socket.once('error', (error: NodeJS.ErrnoException) => finish((error.code && CAUSES[error.code]) ?? error.message));
  });
}

/** The URL an entry's calls go to; none for the offline model and an agent program, which are not reached over a network. */
export function serverUrl(entry: ModelEntry): string | undefined {
  if (entry.provider === 'http') return entry.url;
  return entry.base_url ?? VENDOR_URLS[entry.provider];
}

/** Why an agent program cannot be run here (not installed, not executable), or undefined when it can. */
export type ProgramCheck = (command: string) => string | undefined;

/**
 * The entries the org's agents use whose servers cannot be reached (or, given `programs`, whose
 * agent program is not installed here), each with the agents left with no model at all (an agent
 * with a reachable fallback can still work). Each server is probed once, all at once.
 */
export async function findUnreachableModels(org: Org, probe = probeServer, programs?: ProgramCheck): Promise<UnreachableModel[]> {
  const used = new Map<string, string>();
  const missingPrograms = new Map<string, string>();
  for (const agent of org.agents.values()) {
    if (agent.isHuman) continue;
    for (const modelKey of agent.models) {
      const entry = org.models[modelKey];
      if (entry?.provider === 'command' && entry.command !== undefined && programs) {
        const problem = programs(entry.command);
        if (problem !== undefined) missingPrograms.set(modelKey, problem);
        continue;
      }
      const url = modelKey === HUMAN_MODEL || !entry || entry.provider === 'offline' ? undefined : serverUrl(entry);
      if (url !== undefined) used.set(modelKey, url);
    }
  }
  const urls = [...new Set(used.values())];
  const causes = new Map(await Promise.all(urls.map(async (url) => [url, await probe(url)] as const)));
  const problemOf = (modelKey: string): { url: string; cause: string } | undefined => {
    const program = missingPrograms.get(modelKey);
    const entry = org.models[modelKey];
    if (program !== undefined) return { url: entry?.command ?? modelKey, cause: program };
    const url = used.get(modelKey);
    const cause = url === undefined ? undefined : causes.get(url);
    return url === undefined || cause === undefined ? undefined : { url, cause };
  };
  const unreachable: UnreachableModel[] = [];
  for (const modelKey of [...new Set([...used.keys(), ...missingPrograms.keys()])].sort()) {
    const problem = problemOf(modelKey);
    if (!problem) continue;
    const agents = [...org.agents.values()]
      .filter((agent) => agent.models.includes(modelKey) && agent.models.every((model) => problemOf(model) !== undefined))
      .map((agent) => agent.name);
    if (agents.length > 0) unreachable.push({ modelKey, ...problem, ...(missingPrograms.has(modelKey) ? { program: true } : {}), agents });
  }
  return unreachable;
}

/** The one line `run` stops with when a model's server cannot be reached. */
export function describeUnreachable(unreachable: readonly UnreachableModel[]): string {
  const parts = unreachable.map((item) =>
    item.program
      ? `org/org.yaml models.${item.modelKey}.command: ${item.cause} (needed by ${item.agents.join(', ')})`
      : `org/org.yaml models.${item.modelKey}: cannot reach ${item.url} (${item.cause}; needed by ${item.agents.join(', ')})`,
  );
  const servers = unreachable.some((item) => !item.program) ? 'Start the server, correct base_url (url for an HTTP agent)' : 'Install the program, correct command';
  return `${parts.join('; ')}. ${servers}, or give those agents another model.`;
}

/** Thrown before the first turn when an agent's every model is on a server nothing answers at. */
export class UnreachableModelError extends LemmingError {
  readonly unreachable: UnreachableModel[];

  constructor(unreachable: UnreachableModel[]) {
    super('unreachable-model', describeUnreachable(unreachable));
    this.name = 'UnreachableModelError';
    this.unreachable = unreachable;
  }
}
