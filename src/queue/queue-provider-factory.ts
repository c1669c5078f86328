import type { Org } from '../org/org.js';
import type { ModelEntry } from '../org/schema.js';
import { CassetteWriter } from '../providers/cassette/cassette-file.js';
import { assertModelSettings, createProviderFactory, recordedEmbedder, type ProviderFactory, type ProviderFactoryOptions } from '../providers/create-provider.js';
import { UsageGate } from '../providers/usage-gate.js';
import { LazyProvider } from '../providers/lazy-provider.js';
import type { Provider } from '../providers/provider.js';
import { RecordingProvider } from '../providers/recording-provider.js';
import type { McpPlacement } from '../tools/tool-runner.js';
import type { QueueClient } from './queue-client.js';
import { QueuedMcp } from './queued-mcp.js';
import type { QueueNoticeListener } from './queue-notice.js';
import { parseRedisAddress } from './redis-address.js';
import type { WorkerWatch } from './worker-watch.js';

/** What `lemming run` builds its providers from when calls may go to workers. */
export interface RunProviderOptions extends ProviderFactoryOptions {
  /** `--queue redis://…`; without it, org.yaml `engine.queue` decides. */
  queue?: string;
  /** Where the queue's notices go (no worker serves a model, one does now). */
  onNotice?: QueueNoticeListener;
}

/** A provider factory that holds connections: close it when the run is over. */
export interface ClosableProviderFactory extends ProviderFactory {
  /** Where calls go, once `preflight` has decided: `undefined` for local calls. */
  readonly queueAddress: () => string | undefined;
  /** For the engine's tools (EngineOptions.mcp): through a queue, the org's MCP servers run on the workers too. */
  readonly mcp: McpPlacement;
  close(): Promise<void>;
}

/**
 * The providers of `lemming run`: local, as `createProviderFactory` builds them, or,
 * when a queue is given (`--queue`, or org.yaml `engine.queue`), one QueueProvider per
 * registry entry, so that workers make the calls. The choice is made once the org is
 * loaded (in `preflight`). Through the queue no key is needed here: keys live with the
 * workers. A recording is written here, by the engine, either way; a replay answers
 * here and never uses the queue. BullMQ and ioredis take longer to load than Node takes
 * to start, and are optional dependencies, so they are imported on the first queued call
 * (queue-packages.ts), never by a local run.
 */
export function createRunProviderFactory(options: RunProviderOptions): ClosableProviderFactory {
  let chosen: ProviderFactory | undefined;
  let local: ProviderFactory | undefined;
  let embedding: ProviderFactory | undefined;
  /** The queued run's cassette (`--record`): its chat calls and, through recordedEmbedder, its embeddings. */
  let queuedWriter: CassetteWriter | undefined;
  let queueAddress: string | undefined;
  let session: Promise<{ client: QueueClient; watch: WorkerWatch }> | undefined;
  let openSession: (() => Promise<{ client: QueueClient; watch: WorkerWatch }>) | undefined;
  let caller: { orgName: string; root: string } | undefined;
  const factory = (modelKey: string, entry: ModelEntry): Provider => {
    if (!chosen) throw new Error('createRunProviderFactory: preflight must run before the first provider is built');
    return chosen(modelKey, entry);
  };
  const preflight = (org: Org): void => {
    const flagged = options.queue === undefined ? undefined : parseRedisAddress(options.queue, '--queue');
    const address = flagged ?? (org.settings.queue === undefined ? undefined : parseRedisAddress(org.settings.queue, 'org/org.yaml engine.queue'));
    if (address === undefined || options.replay !== undefined) {
      local = createProviderFactory(options);
      local.preflight?.(org);
      chosen = local;
      return;
    }
    assertModelSettings(org);
    queueAddress = address;
    const checks = org.settings.queue_checks;
    const open = (): Promise<{ client: QueueClient; watch: WorkerWatch }> =>
      (session ??= (async () => {
        const { importQueueModule } = await import('./queue-packages.js');
        const [{ QueueClient }, { WorkerWatch }, { queueChecksOf }] = await Promise.all([importQueueModule(() => import('./queue-client.js')), import('./worker-watch.js'), import('./queue-checks.js')]);
        const client = new QueueClient(address);
        return { client, watch: new WorkerWatch(client, options.onNotice ?? (() => undefined), queueChecksOf(checks)) };
      })());
    const writer = options.record === undefined ? undefined : new CassetteWriter(options.record);
    queuedWriter = writer;
    openSession = open;
    const who = { orgName: org.name, root: options.root };
    caller = who;
    chosen = Object.assign((modelKey: string, entry: ModelEntry) => {
      const queued = new LazyProvider(async () => {
        const [{ client, watch }, { QueueProvider }] = await Promise.all([open(), import('./queue-provider.js')]);
        return new QueueProvider(client, watch, who, modelKey, entry);
      });
      // A worker's result is read from Redis, which others can write: its usage passes the gate here, as a local answer's does.
      const provider = new UsageGate(queued, modelKey, entry);
      return writer ? new RecordingProvider(provider, writer, options.clock) : provider;
    }, { gatesUsage: () => true });
  };
  return Object.assign(factory, {
    preflight,
    // Through the queue the servers are the workers' to reach, not this machine's: only a local run probes them.
    probe: async (org: Org) => (await local?.probe?.(org)) ?? [],
    // Embeddings are asked by this machine while a turn is planned, queue or not (its keys are looked up here). A local run
    // and a replay: its own factory's, which records them or answers them from the cassette. Queued: a factory for them alone,
    // recorded on the queued run's cassette (a second writer would start the file again).
    embedder: (modelKey: string, entry: ModelEntry) => {
      if (local) return local.embedder?.(modelKey, entry);
      const live = (embedding ??= createProviderFactory({ ...options, record: undefined })).embedder?.(modelKey, entry);
      return live && queuedWriter ? recordedEmbedder(live, queuedWriter, modelKey, entry) : live;
    },
    // Decided by the providers preflight chose: every queued answer passes the gate, a local one as createProviderFactory's do.
    gatesUsage: (modelKey: string, entry: ModelEntry) => chosen?.gatesUsage?.(modelKey, entry) ?? false,
    queueAddress: () => queueAddress,
    // Asked when the engine opens, after preflight: only a queued run places its MCP calls on the workers.
    mcp: ((servers) => (openSession && caller ? new QueuedMcp(openSession, caller, servers) : undefined)) satisfies McpPlacement,
    close: async () => {
      if (session) await (await session).client.close();
    },
  });
}
