import { Engine } from '../engine/engine.js';
import { createRunProviderFactory, type ClosableProviderFactory } from '../queue/queue-provider-factory.js';
import type { Output } from './cli-context.js';

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
 * queue, and are made here otherwise. The queue's notices (no worker serves a model) go to
 * standard error.
 */
export function openEngine(root: string, options: OpenEngineOptions, output: Output): OpenedEngine {
  const cassette = options.cassette ?? {};
  const providers = createRunProviderFactory({
    root,
    ...cassette,
    ...(options.queue === undefined ? {} : { queue: options.queue }),
    onNotice: (line) => output.err(`queue: ${line}`),
  });
  let engine: Engine;
  try {
    engine = Engine.open({ root, command: options.command, providerFactory: providers, cassette, mcp: providers.mcp });
  } catch (error) {
    void providers.close();
    throw error;
  }
  return {
    engine,
    providers,
    close: async () => {
      engine.close();
      await providers.close();
    },
  };
}
