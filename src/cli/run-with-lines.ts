import type { Engine, RunOptions } from '../engine/engine.js';
import type { EngineEvent } from '../engine/events.js';
import type { Output } from './cli-context.js';
import { printEvents, runSummary, type OutputMode } from './print-events.js';
import { historyWait } from './history-wait.js';
import { stopOnSignal } from './stop-signal.js';

/**
 * Run the engine with its events printed as lines (or JSON), Ctrl-C stopping it
 * cleanly; plain output ends with the run's summary. Returns how the run ended and
 * the exit code: 0 when a signal stopped it.
 */
export async function runWithLines(
  engine: Engine,
  run: Omit<RunOptions, 'signal'>,
  mode: OutputMode,
  output: Output,
  colour = false,
): Promise<{ finished?: Extract<EngineEvent, { type: 'run-finished' }>; exitCode: number }> {
  // Plain lines on standard output, with the run's; JSON keeps it for the events (the wait is an event there too).
  const wait = historyWait((line) => (mode === 'plain' ? output.out(line) : output.err(line)));
  const stop = stopOnSignal(output, wait.stopText);
  try {
    const delivered = { toHuman: 0 };
    const finished = await printEvents(engine.run({ ...run, signal: stop.signal }), mode, output, { colour, seen: wait.seen }, delivered);
    if (finished && mode !== 'json') for (const line of runSummary(finished, engine.root, delivered.toHuman)) output.out(line);
    return { ...(finished ? { finished } : {}), exitCode: exitCodeOf(finished) };
  } finally {
    wait.dispose();
    stop.dispose();
  }
}

/**
 * 0 when the run was stopped by SIGTERM or SIGINT (a clean stop a supervisor asked for: the turn in
 * progress is journaled and the next run finishes it); 1 when the work left waits on models that keep
 * failing; otherwise 0. A second signal quits at once with 130 (stop-signal.ts, shutdown.ts).
 */
export function exitCodeOf(finished: Extract<EngineEvent, { type: 'run-finished' }> | undefined): number {
  if (finished?.reason === 'stopped') return 0;
  // Mail left waiting for agents held for failing models is work not done, whether the run went idle or hit its cap.
  return finished?.reason === 'models-failing' || (finished?.failing.length ?? 0) > 0 ? 1 : 0;
}
