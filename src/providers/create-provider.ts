import { EXIT, LemmingError } from '../errors.js';
import type { Org } from '../org/org.js';
import type { ModelEntry } from '../org/schema.js';
import { keyVariableFor } from '../org/org-secrets.js';
import { keyLookup, type KeyLookup } from '../secrets/key-lookup.js';
import { assertApiKeys } from './api-keys.js';
import { CassetteWriter, readCassetteFile } from './cassette/cassette-file.js';
import type { ClientSettings } from './client-settings.js';
import { UsageGate } from './usage-gate.js';
import { LazyProvider } from './lazy-provider.js';
import { OfflineProvider } from './offline/offline-provider.js';
import type { Provider } from './provider.js';
import { gatedEmbedder, type Embedder, type RawEmbedder } from './embedding-gate.js';
import { findUnreachableModels, probeServer, type ProgramCheck, type UnreachableModel } from './reachability.js';
import { RecordingProvider } from './recording-provider.js';
import { CassetteAnswers, ReplayingProvider } from './replaying-provider.js';
import type { Sleep } from './sleep.js';

/**
 * Builds the provider for one registry entry. Injected into the engine, so tests
 * and benchmarks can swap it. `preflight`, when present, runs once the org is
 * loaded and before the first turn, and throws a LemmingError for anything that
 * would fail every call (a missing key).
 */
export interface ProviderFactory {
  (modelKey: string, entry: ModelEntry): Provider;
  preflight?(org: Org): void;
  /**
   * When present, runs before the first turn of a run: the entries whose servers nothing
   * answers at (see reachability.ts). Replays and injected `fetch`es reach no server, so have none.
   */
  probe?(org: Org): Promise<UnreachableModel[]>;
  /**
   * When present, an embedder for a registry entry that serves `/v1/embeddings` (org.yaml
   * `memory.embeddings`), its key found as a chat call's is. A replay answers from the cassette (cassette/embedding-tape.ts), reaching no server.
   */
  embedder?(modelKey: string, entry: ModelEntry): Embedder | undefined;
  /**
   * Whether the answers of its provider for the entry pass the usage gate (usage-gate.ts) on their way in. A
   * turn finished after a crash holds the figures it reads back from the journal to the gate's floor only then
   * (record/journaled-usage.ts): the run never stopped charged an ungated model's counts as they came (the
   * offline model's, a test's scripted model's), and the finished turn charges what it would have. Decided here,
   * by the factory the org runs with, never by the journal, which anyone can edit. Absent: none is gated.
   */
  gatesUsage?(modelKey: string, entry: ModelEntry): boolean;
}

/** Whether a model's answers pass the usage gate as they come in, by its key in the registry. */
export type GatedModels = (modelKey: string) => boolean;

/** The models of `models` whose answers `factory`'s providers pass through the usage gate (ProviderFactory.gatesUsage); a key the registry lacks, none. */
export function gatedModels(factory: ProviderFactory, models: Readonly<Record<string, ModelEntry>>): GatedModels {
  return (modelKey) => {
    const entry = Object.hasOwn(models, modelKey) ? models[modelKey] : undefined;
    return entry !== undefined && factory.gatesUsage?.(modelKey, entry) === true;
  };
}

/** What `lemming run` builds its providers from. */
export interface ProviderFactoryOptions {
  /** The org root: its `.env` holds keys not in the environment. */
  root: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** `--record FILE`: write every request and answer to this cassette. */
  record?: string;
  /** `--replay FILE`: answer from this cassette, with no network and no keys. */
  replay?: string;
  /** Handed to the vendor SDKs instead of the global fetch (tests). */
  fetch?: typeof fetch;
  /** Waits between retries (tests make them instant). Rate limits keep real time. */
  sleep?: Sleep;
  /** Stamps recorded answers. */
  clock?: () => Date;
}

/**
 * lemming's providers for each registry entry: the vendor adapter behind rate
 * limits and retries, recorded to or replayed from a cassette when asked.
 * Vendor SDKs are imported on the first call, not here.
 */
export function createProviderFactory(options: ProviderFactoryOptions): ProviderFactory {
  if (options.record !== undefined && options.replay !== undefined) {
    throw new LemmingError('bad-usage', 'use --record or --replay, not both', { exitCode: EXIT.usage });
  }
  if (options.replay !== undefined) {
    const file = options.replay;
    const cassette = readCassetteFile(file);
    const answers = new CassetteAnswers(file, cassette.calls);
    const replay = new ReplayingProvider(answers);
    // Every model answers from the cassette; no key is needed, nothing is reached. A cassette is a file anyone
    // can edit: what it says a call used passes the usage gate as a live answer does. Embeddings too (embedding-tape.ts).
    return Object.assign((modelKey: string, entry: ModelEntry): Provider => new UsageGate(replay, modelKey, entry, file), {
      preflight: (org: Org) => assertModelSettings(org),
      gatesUsage: () => true,
      embedder: (modelKey: string, entry: ModelEntry): Embedder => gatedEmbedder(tapedEmbedder((tape) => tape.replayingEmbedder(file, cassette.embeddings, modelKey, entry.model ?? modelKey)), modelKey, entry),
    });
  }
  const lookup = keyLookup(options.root, options.env);
  const writer = options.record === undefined ? undefined : new CassetteWriter(options.record);
  const factory = (modelKey: string, entry: ModelEntry): Provider => {
    const provider = liveProvider(modelKey, entry, lookup, options);
    return writer ? new RecordingProvider(provider, writer, options.clock) : provider;
  };
  return Object.assign(factory, {
    preflight: (org: Org) => {
      assertModelSettings(org);
      assertApiKeys(org, lookup);
    },
    gatesUsage: (_modelKey: string, entry: ModelEntry) => liveGatesUsage(entry),
    ...(options.fetch === undefined ? { probe: async (org: Org) => findUnreachableModels(org, probeServer, await programCheck(org, options.root)) } : {}),
    embedder: (modelKey: string, entry: ModelEntry) => {
      const live = liveEmbedder(modelKey, entry, lookup, options);
      return writer ? recordedEmbedder(live, writer, modelKey, entry) : live;
    },
  });
}

/** A live embedder whose requests and answers `writer` records (`--record`), beside the run's chat calls. */
export function recordedEmbedder(live: Embedder, writer: CassetteWriter, modelKey: string, entry: ModelEntry): Embedder {
  return tapedEmbedder((tape) => tape.recordingEmbedder(live, (line) => writer.append(line), modelKey, entry.model ?? modelKey));
}

/** An embedder of the cassette (cassette/embedding-tape.ts), its module loaded on the first embedding: a run that embeds nothing loads none of it. */
function tapedEmbedder<Made extends Embedder | RawEmbedder>(make: (tape: typeof import('./cassette/embedding-tape.js')) => Made): Made {
  let embed: Made | undefined;
  const taped = async (texts: readonly string[], signal?: AbortSignal) => {
    embed ??= make(await import('./cassette/embedding-tape.js'));
    return embed(texts, signal);
  };
  return taped as Made;
}

/** One registry entry's `/v1/embeddings`, its key looked up as liveProvider's is, its answers through the embedding gate; the SDK loaded on its first call. */
function liveEmbedder(modelKey: string, entry: ModelEntry, lookup: KeyLookup, options: Partial<Pick<ProviderFactoryOptions, 'fetch'>>): Embedder {
  const keyVariable = keyVariableFor(entry);
  const apiKey = keyVariable === undefined ? undefined : lookup(keyVariable);
  if (keyVariable !== undefined && apiKey === undefined) {
    throw new LemmingError('missing-api-key', `${keyVariable} is not set (needed for org/org.yaml models.${modelKey}, memory.embeddings); set it in the environment or in a .env file in the org root`);
  }
  const settings: ClientSettings = { modelKey, entry, apiKey: apiKey ?? 'no-key', ...(keyVariable === undefined ? {} : { keyVariable }), ...(options.fetch === undefined ? {} : { fetch: options.fetch }) };
  let embed: RawEmbedder | undefined;
  return gatedEmbedder(async (texts, signal) => {
    embed ??= (await import('./openai/openai-embedder.js')).openAIEmbedder(settings);
    return embed(texts, signal);
  }, modelKey, entry);
}

/** The factory the engine uses when given none: live models, keys from the environment and the root's `.env`. */
export function defaultProviderFactory(root: string): ProviderFactory {
  return createProviderFactory({ root });
}

/**
 * Whether liveProvider's provider for the entry passes its answers through the usage gate: every one but the
 * offline model's, whose counts are lemming's own (live-chain.ts puts the gate round the others). Pure.
 */
export function liveGatesUsage(entry: Pick<ModelEntry, 'provider'>): boolean {
  return entry.provider !== 'offline';
}

/**
 * One registry entry's live provider: the vendor adapter (or the offline model) behind
 * its rate limits and retries. Used by the engine for local calls and by `lemming worker`.
 */
export function liveProvider(modelKey: string, entry: ModelEntry, lookup: KeyLookup, options: Partial<Pick<ProviderFactoryOptions, 'fetch' | 'sleep' | 'root'>> = {}): Provider {
  if (!liveGatesUsage(entry)) return new OfflineProvider({ ...(entry.seed === undefined ? {} : { seed: entry.seed }), ...(entry.variability === undefined ? {} : { variability: entry.variability }) });
  const problem = settingsProblem(modelKey, entry);
  if (problem) throw new LemmingError('invalid-model', problem);
  const keyVariable = keyVariableFor(entry);
  const apiKey = keyVariable === undefined ? undefined : lookup(keyVariable);
  if (keyVariable !== undefined && apiKey === undefined) {
    throw new LemmingError(
      'missing-api-key',
      `${keyVariable} is not set (needed for org/org.yaml models.${modelKey}); set it in the environment or in a .env file in the org root`,
    );
  }
  const settings: ClientSettings = {
    modelKey,
    entry,
    // A local server without keys still gets a placeholder: the OpenAI SDK insists on one (and some servers want the header).
    apiKey: apiKey ?? 'no-key',
    ...(keyVariable === undefined ? {} : { keyVariable }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.root === undefined ? {} : { root: options.root }),
    lookup,
  };
  // The rate limiter, retries and vendor adapter are loaded on the first call: one chain per registry entry.
  return new LazyProvider(async () => (await import('./live-chain.js')).liveChain(settings, options.sleep));
}

/** A registry entry that cannot work whatever the network does, said with the file, field and a valid value. */
function settingsProblem(modelKey: string, entry: ModelEntry): string | undefined {
  if (entry.provider === 'openai-compatible' && entry.base_url === undefined) {
    return `org/org.yaml models.${modelKey}.base_url: is required for provider openai-compatible; for example \`base_url: http://localhost:11434/v1\` (Ollama)`;
  }
  return undefined;
}

/** The registry keys the org's agents use (the human's `model: human` is none), in name order. */
function usedModels(org: Org): string[] {
  const used = new Set<string>();
  // A loop, not copies of the agents: a run looks at 100,000 of them twice. Agents kept alike share their list.
  let last: readonly string[] | undefined;
  for (const agent of org.agents.values()) {
    if (agent.isHuman || agent.models === last) continue;
    last = agent.models;
    for (const model of agent.models) used.add(model);
  }
  return [...used].sort();
}

/**
 * How to tell whether an agent program is installed here, for `run`'s check before turn 1: loaded
 * only for an org whose agents use one. (Through a queue the programs run on the workers, which
 * each decline an entry whose program they lack, and nothing is checked here.)
 */
async function programCheck(org: Org, root: string): Promise<ProgramCheck | undefined> {
  if (!usedModels(org).some((modelKey) => org.models[modelKey]?.provider === 'command')) return undefined;
  const { findProgram } = await import('./command/find-program.js');
  return (command) => {
    const found = findProgram(command, root);
    return 'problem' in found ? found.problem : undefined;
  };
}

/** Throws for the first registry entry the org's agents use that cannot work whatever the network does. */
export function assertModelSettings(org: Org): void {
  for (const modelKey of usedModels(org)) {
    const entry = org.models[modelKey];
    const problem = entry ? settingsProblem(modelKey, entry) : undefined;
    if (problem) throw new LemmingError('invalid-model', problem);
  }
}
