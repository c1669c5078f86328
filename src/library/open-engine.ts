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
}

/** An engine and the providers it calls through: `close` releases the lock and the queue's connections. */
export interface OpenedEngine {
  engine: Engine;
  providers: ClosableProviderFactory;
  close(): Promise<void>;
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
  const told = withNotifications(engine, root);
  return {
    engine: told.engine,
    providers,
    close: async () => {
      engine.close();
      await providers.close();
      // Deliveries still being tried after the run: waited for a while, never for ever.
      await told.settle();
    },
  };
}

/**
 * The engine whose runs and turns also tell people what needs them (org.yaml `notify:`, see
 * notify/notifier.ts), from the same events the screen shows and without ever making a turn wait.
 * The notifier is loaded by the first event of an org that has `notify:` entries: a run of any
 * other org loads none of it.
 */
function withNotifications(engine: Engine, root: string): { engine: Engine; settle(): Promise<void> } {
  let loaded: Promise<import('../notify/notifier.js').Notifier> | undefined;
  const notifier = () =>
    (loaded ??= Promise.all([import('../notify/notifier.js'), import('../cli/command-hint.js')]).then(([{ Notifier }, { anywhereHint }]) => new Notifier(root, () => engine.currentOrg, anywhereHint(root))));
  const wanted = (): boolean => (engine.currentOrg.notify ?? []).length > 0;
  const told = async function* (source: AsyncGenerator<EngineEvent>): AsyncGenerator<EngineEvent> {
    try {
      for await (const event of source) {
        if (wanted()) (await notifier()).observe(event);
        yield event;
      }
    } catch (error) {
      if (wanted()) (await notifier()).runFailed(error, engine.lastTurn);
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
  return { engine: wrapped, settle: async () => (loaded ? (await loaded).settle() : undefined) };
}
