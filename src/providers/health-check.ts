import { errorMessage } from '../errors.js';
import { HUMAN_MODEL, type Org } from '../org/org.js';
import type { ModelEntry } from '../org/schema.js';
import { keyVariableFor } from '../org/org-secrets.js';
import type { KeyLookup } from '../secrets/key-lookup.js';
import { onAbort } from './abort-listeners.js';
import { findProgram } from './command/find-program.js';
import { addressedTo } from './request-tokens.js';
import type { Provider, ProviderRequest } from './provider.js';
import { probeServer, serverUrl } from './reachability.js';

/** What `lemming doctor` found for one registry entry. */
export interface EntryHealth {
  modelKey: string;
  provider: string;
  /** Every check passed (and, with a call, the call answered). */
  ok: boolean;
  /** What was checked, in order, each a short sentence: the failing one says what to do. */
  findings: string[];
  /** The agents whose models these are. */
  agents: string[];
  /** With a call: what came back. */
  answer?: { text: string; inputTokens: number; outputTokens: number; estimated: boolean; ms: number };
}

/** How the checks reach the world: injected so a test can count what was asked. */
export interface HealthEnvironment {
  root: string;
  lookup: KeyLookup;
  /** Builds the live provider of an entry (lemming's own, with its retries and limits). */
  providerFor(modelKey: string, entry: ModelEntry): Provider;
  probe?: (url: string) => Promise<string | undefined>;
  now?: () => number;
}

/** How long `lemming doctor --call` waits for each answer when `--timeout` does not say (seconds): a check, not a turn. */
export const HEALTH_CALL_TIMEOUT_SECONDS = 30;

/** How the checks run. */
export interface HealthOptions {
  /** Also make one short call to each entry. */
  call?: boolean;
  /** The most each call may take; default HEALTH_CALL_TIMEOUT_SECONDS. Past it the call is stopped (a program's process group with it). */
  timeoutMs?: number;
  /** Aborts every call in flight (a signal to the command): what they started is stopped. */
  signal?: AbortSignal;
  /** Told each entry's result as soon as it is known, in the order they finish. */
  onResult?: (health: EntryHealth) => void;
}

/** The short question a health-check call asks: any model, program or endpoint can answer it. */
export const HEALTH_QUESTION = 'This is a health check from lemming doctor, outside any turn. Reply with the single word OK.';

/**
 * Whether each registry entry the org's agents use can answer: its settings, the variables it
 * needs, its program (installed and executable) or its server (something answers there); and,
 * with `call`, one real, short call, which costs what the vendor or the program charges for it
 * but is charged to no agent and recorded nowhere. Entries are checked at once.
 */
export async function checkHealth(org: Org, environment: HealthEnvironment, options: HealthOptions = {}): Promise<EntryHealth[]> {
  const used = new Map<string, string[]>();
  for (const agent of org.agents.values()) {
    if (agent.isHuman) continue;
    for (const modelKey of agent.models) if (modelKey !== HUMAN_MODEL) used.set(modelKey, [...(used.get(modelKey) ?? []), agent.name]);
  }
  const keys = [...used.keys()].sort();
  return Promise.all(
    keys.map(async (modelKey) => {
      const health = await checkEntry(org, modelKey, used.get(modelKey) ?? [], environment, options);
      options.onResult?.(health);
      return health;
    }),
  );
}

async function checkEntry(org: Org, modelKey: string, agents: string[], environment: HealthEnvironment, options: HealthOptions): Promise<EntryHealth> {
  const entry = org.models[modelKey];
  const health: EntryHealth = { modelKey, provider: entry?.provider ?? 'unknown', ok: false, findings: [], agents };
  if (!entry) {
    health.findings.push('is not in org/org.yaml models');
    return health;
  }
  const fail = (finding: string): EntryHealth => {
    health.findings.push(finding);
    return health;
  };
  if (entry.provider === 'openai-compatible' && entry.base_url === undefined) return fail('needs base_url, for example http://localhost:11434/v1');
  if (entry.provider === 'offline') health.findings.push('built in: no network, no key');
  for (const variable of [keyVariableFor(entry), ...Object.values(entry.headers ?? {})]) {
    if (variable === undefined) continue;
    if (environment.lookup(variable) === undefined) return fail(`${variable} is not set (in the environment or ${environment.root}/.env)`);
    health.findings.push(`${variable} is set`);
  }
  if (entry.provider === 'command') {
    const found = findProgram(entry.command ?? '', environment.root);
    if ('problem' in found) return fail(found.problem);
    health.findings.push(`runs ${found.path}`);
  }
  const url = entry.provider === 'offline' || entry.provider === 'command' ? undefined : serverUrl(entry);
  if (url !== undefined) {
    const cause = await (environment.probe ?? probeServer)(url);
    if (cause !== undefined) return fail(`cannot reach ${url} (${cause})`);
    health.findings.push(`${url} answers`);
  }
  // The offline model answers every call here and now: asking it proves nothing, and its answer (actions, no text) would read as a failure.
  if (options.call === true && entry.provider === 'offline') health.findings.push('answers on this machine, without a call');
  else if (options.call === true) {
    const now = environment.now ?? (() => performance.now());
    const started = now();
    // The call is made as the first agent that uses the entry would make it (an agent program runs in its workspace), in turn 0.
    const request: ProviderRequest = {
      ...addressedTo(modelKey, entry),
      system: 'You are being checked by lemming doctor.',
      messages: [{ role: 'user', content: HEALTH_QUESTION }],
      tools: [],
      agent: agents[0] ?? 'doctor',
      turn: 0,
    };
    const timeoutMs = options.timeoutMs ?? HEALTH_CALL_TIMEOUT_SECONDS * 1000;
    const stop = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      stop.abort();
    }, timeoutMs);
    const stopListening = options.signal ? onAbort(options.signal, () => stop.abort()) : () => undefined;
    // A provider that does not heed the signal still gives up its place: the check ends when it is aborted.
    let stopWaiting = (): void => undefined;
    const aborted = new Promise<never>((_, reject) => (stopWaiting = onAbort(stop.signal, () => reject(new Error('aborted')))));
    aborted.catch(() => undefined);
    try {
      const response = await Promise.race([environment.providerFor(modelKey, entry).generate({ ...request, signal: stop.signal }), aborted]);
      const text = response.text.trim().split('\n')[0] ?? '';
      health.answer = { text: text.length > 80 ? `${text.slice(0, 77)}...` : text, inputTokens: response.usage.inputTokens, outputTokens: response.usage.outputTokens, estimated: response.usage.estimated, ms: Math.round(now() - started) };
    } catch (error) {
      if (timedOut) return fail(`no answer within ${timeoutMs / 1000} s (lemming doctor --timeout)${entry.provider === 'command' ? '; its processes were stopped' : ''}`);
      if (stop.signal.aborted) return fail('stopped before it answered');
      return fail(`the call failed: ${errorMessage(error)}`);
    } finally {
      clearTimeout(timer);
      stopListening();
      stopWaiting();
    }
  }
  health.ok = true;
  return health;
}
