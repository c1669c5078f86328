import { resolve } from 'node:path';
import { Engine } from '../../engine/engine.js';
import { createProviderFactory } from '../../providers/create-provider.js';
import type { Output } from '../cli-context.js';
import { printEvents, runSummary, type OutputMode } from '../print-events.js';
import { stopOnSignal } from '../stop-signal.js';

export interface RunCommandOptions {
  turns?: number;
  keepGoing?: boolean;
  mode: OutputMode;
  /** `run-once`: exactly one turn, whether or not anyone has mail. */
  once?: boolean;
  /** `--record FILE`: write every model request and answer to this cassette (JSONL). */
  record?: string;
  /** `--replay FILE`: answer every model call from this cassette, with no network. */
  replay?: string;
}

/** `lemming run` and `lemming run-once` without the terminal UI: events as lines or JSON. */
export async function runCommand(root: string, options: RunCommandOptions, output: Output): Promise<number> {
  const providerFactory = createProviderFactory({
    root,
    ...(options.record === undefined ? {} : { record: resolve(options.record) }),
    ...(options.replay === undefined ? {} : { replay: resolve(options.replay) }),
  });
  const engine = Engine.open({ root, command: options.once ? 'run-once' : 'run', providerFactory });
  const stop = stopOnSignal(output);
  try {
    const events = engine.run({
      maxTurns: options.once ? 1 : options.turns,
      stopWhenIdle: options.once ? false : !options.keepGoing,
      signal: stop.signal,
    });
    const finished = await printEvents(events, options.mode, output);
    if (finished && options.mode === 'plain') for (const line of runSummary(finished, root)) output.out(line);
    return finished?.reason === 'stopped' ? 130 : 0;
  } finally {
    stop.dispose();
    engine.close();
  }
}
