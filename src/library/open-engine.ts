import { Engine } from '../engine/engine.js';
import type { EngineEvent } from '../engine/events.js';
import { SideEvents } from '../engine/turn/side-events.js';
import { createRunProviderFactory, type ClosableProviderFactory } from '../queue/queue-provider-factory.js';

/** How a command that runs turns opens its engine. */
export interface OpenEngineOptions {
  /** Shown to anyone who finds the lock taken. */
  command: string;
  /** `--queue redis://…`; without it, org.yaml `engine.queue` decides. */
  queue?: string;
  /** `--record`/`--replay` cassettes (absolute paths). */
  cassette?: { record?: string; replay?: string };
  /** `--otlp URL`: each turn sent as a trace there; without it, org.yaml `telemetry.otlp` decides. */
  otlp?: string;
}

/**
 * An engine and the providers it calls through: `close` releases the lock and the queue's connections,
 * and returns the warnings that came after the run's events ended (telemetry that could not be sent).
 */
export interface OpenedEngine {
  engine: Engine;
  providers: ClosableProviderFactory;
  close(): Promise<string[]>;
}

/**
 * Open the engine of `run`, `demo` and `chat --drive` alike: its model calls and MCP tool
 * calls go to `lemming worker` processes when `--queue` or org.yaml `engine.queue` names a
 * queue, and are made here otherwise. The queue's notices (no worker serves a model, a
 * worker joined or left, a job runs again) are events of the engine's stream.
 */
export function openEngine(root: string, options: OpenEngineOptions): OpenedEngine {
  const cassette = options.cassette ?? {};
  // The queue's notices join the engine's event stream: the screen, the plain and JSON output and the dashboard show them.
  const notices = new SideEvents<EngineEvent>();
  const providers = createRunProviderFactory({
    root,
    ...cassette,
    ...(options.queue === undefined ? {} : { queue: options.queue }),
    onNotice: (notice) => notices.push({ type: 'queue-notice', ...notice }),
  });
  let engine: Engine;
  try {
    engine = Engine.open({ root, command: options.command, providerFactory: providers, cassette, mcp: providers.mcp, notices });
  } catch (error) {
    void providers.close();
    throw error;
  }
  // Off unless set: with no endpoint, nothing of OpenTelemetry (nor of telemetry/) is loaded.
  const endpoint = options.otlp ?? engine.currentOrg.telemetry?.otlp;
  const queued = options.queue !== undefined || engine.currentOrg.settings.queue !== undefined;
  // A warning with other words for when it is told only after the run's last event (a telemetry failure's).
  const lateWords = new Map<EngineEvent, string>();
  const telemetry = endpoint === undefined ? undefined : telemetryLoader(endpoint, engine, queued, notices, lateWords);
  const told = withReaders(engine, [notificationReader(engine, root), ...(telemetry ? [telemetry] : [])]);
  return {
    engine: told.engine,
    providers,
    close: async () => {
      await engine.close();
      await providers.close();
      // Deliveries still being tried after the run: waited for a while, never for ever.
      await told.settle();
      // Told after the run's events ended, so in the words true then.
      return notices.take().flatMap((event) => (event.type === 'warning' ? [lateWords.get(event) ?? event.message] : []));
    },
  };
}

/** Something that reads the engine's events as they pass (never a hook inside the turn): the notifier, telemetry. */
interface EventReader {
  observe(event: EngineEvent): Promise<void> | void;
  failed(error: unknown, turn: number): Promise<void> | void;
  /** What it still sends, waited for after the run (a while, never for ever). */
  settle(): Promise<void>;
}

/**
 * The engine whose runs and turns are also read by `readers`, from the same events the screen shows
 * and without ever making a turn wait.
 */
function withReaders(engine: Engine, readers: EventReader[]): { engine: Engine; settle(): Promise<void> } {
  const told = async function* (source: AsyncGenerator<EngineEvent>): AsyncGenerator<EngineEvent> {
    try {
      for await (const event of source) {
        for (const reader of readers) await reader.observe(event);
        yield event;
      }
    } catch (error) {
      for (const reader of readers) await reader.failed(error, engine.lastTurn);
      throw error;
    }
  };
  const wrapped = new Proxy(engine, {
    get(target, property) {
      if (property === 'run') return (...args: Parameters<Engine['run']>) => told(target.run(...args));
      if (property === 'turn') return (...args: Parameters<Engine['turn']>) => told(target.turn(...args));
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { engine: wrapped, settle: async () => void (await Promise.all(readers.map((reader) => reader.settle()))) };
}

/**
 * The notifier, telling people what needs them (org.yaml `notify:`, see notify/notifier.ts). Loaded by
 * the first event of an org that has `notify:` entries: a run of any other org loads none of it.
 */
function notificationReader(engine: Engine, root: string): EventReader {
  let loaded: Promise<import('../notify/notifier.js').Notifier> | undefined;
  const notifier = () =>
    (loaded ??= Promise.all([import('../notify/notifier.js'), import('../command-line.js')]).then(([{ Notifier }, { anywhereHint }]) => new Notifier(root, () => engine.currentOrg, anywhereHint(root))));
  const wanted = (): boolean => (engine.currentOrg.notify ?? []).length > 0;
  return {
    observe: async (event) => {
      if (wanted()) (await notifier()).observe(event);
    },
    failed: async (error, turn) => {
      if (wanted()) (await notifier()).runFailed(error, turn);
    },
    settle: async () => (loaded ? (await loaded).settle() : undefined),
  };
}

/**
 * Telemetry to `endpoint` (docs/telemetry.md): OpenTelemetry's SDK is loaded by the run's first event,
 * only when an endpoint is set. An export that fails is a warning in the event stream, once.
 */
function telemetryLoader(endpoint: string, engine: Engine, queued: boolean, notices: SideEvents<EngineEvent>, lateWords: Map<EngineEvent, string>): EventReader {
  let loaded: Promise<import('../telemetry/telemetry-reader.js').TelemetryReader> | undefined;
  const warn = (message: string, late: string): void => {
    const event: EngineEvent = { type: 'warning', turn: engine.lastTurn, message };
    lateWords.set(event, late);
    notices.push(event);
  };
  const reader = () => (loaded ??= import('../telemetry/telemetry-reader.js').then(({ startTelemetryReader }) => startTelemetryReader(endpoint, () => engine.currentOrg, { queued, warn })));
  return {
    observe: async (event) => (await reader()).observe(event),
    failed: async (error) => (await reader()).failed(error),
    settle: async () => (loaded ? (await loaded).settle() : undefined),
  };
}
