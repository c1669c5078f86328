import type { Engine } from '../engine/engine.js';
import type { EngineEvent } from '../engine/events.js';
import { onStopSignals } from '../ui/shared/stop-signals.js';
import type { Output } from './cli-context.js';
import type { OutputMode } from './print-events.js';
import { runWithLines } from './run-with-lines.js';

type RunFinished = Extract<EngineEvent, { type: 'run-finished' }>;

/** What `lemming run --serve` gives the run: the engine watched by the dashboard, a way to tell it more, and its address. */
export interface ServedRun {
  /** The engine as the dashboard watches it; `queueAddress`: where its calls go, for `/readyz`. */
  observe(engine: Engine, queueAddress: () => string | undefined): Engine;
  /** An event for the dashboard's stream that is not the engine's own (`run-waiting`). */
  publish(event: EngineEvent): void;
  /** Lines for a person: standard error with --json. */
  person: Output;
  url: string;
}

/** How often an idle served org is looked at for mail; a big org's look stats every outbox, so less often. */
function lookEveryMs(agents: number): number {
  return agents > 1_000 ? 2_000 : 500;
}

/**
 * Resolves true once a turn would find work (mail from the page, `lemming send`, a file dropped
 * into an outbox, an approval), false once `stop` aborts. Looks as `run` does before each turn (Engine.hasWork).
 */
function untilWork(engine: Engine, stop: AbortSignal): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const stopped = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    if (stop.aborted) return stopped();
    stop.addEventListener('abort', stopped, { once: true });
    const look = (): void => {
      if (engine.hasWork()) {
        stop.removeEventListener('abort', stopped);
        resolve(true);
      } else {
        timer = setTimeout(look, lookEveryMs(engine.currentOrg.agents.size));
      }
    };
    look();
  });
}

function untilStopped(stop: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (stop.aborted) resolve();
    else stop.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * `lemming run --serve` after a run: the dashboard stays up until Ctrl-C, and the engine with it.
 * An org that went idle waits for mail and runs again when some arrives, as many times as it
 * comes; a run that ended otherwise (the turn cap) runs no more turns. Each state is said to the
 * person, as an event (`run-waiting`) to the page and to `--json`. A run stopped by Ctrl-C, or
 * one that leaves mail for agents whose models keep failing, ends the command with its exit code.
 */
export async function stayServing(engine: Engine, first: RunFinished | undefined, exitCode: number, mode: OutputMode, output: Output, served: ServedRun, colour = false): Promise<number> {
  // Ctrl-C is listened for before any line says it stops the wait: a signal that came between
  // the line and the listener would end the process unanswered (killed by the signal, not exit 0).
  const stop = new AbortController();
  const dispose = onStopSignals(() => stop.abort());
  try {
    return await serveUntilStopped(engine, first, exitCode, mode, output, served, stop.signal, colour);
  } finally {
    dispose();
  }
}

async function serveUntilStopped(engine: Engine, first: RunFinished | undefined, exitCode: number, mode: OutputMode, output: Output, served: ServedRun, stop: AbortSignal, colour: boolean): Promise<number> {
  let finished = first;
  let code = exitCode;
  for (;;) {
    // A run stopped by a signal ends the command (exit 0): it does not wait for more mail.
    if (code !== 0 || !finished || stop.aborted || finished.reason === 'stopped') return code;
    // Held mail waits for a change (a top-up, a retry, new mail) as an idle org waits for mail.
    const state = finished.reason === 'idle' || finished.reason === 'held' ? 'waiting' : 'ended';
    const event: EngineEvent = { type: 'run-waiting', turn: engine.lastTurn, state };
    served.publish(event);
    if (mode === 'json') output.out(JSON.stringify(event));
    if (mode === 'log') output.record?.(event);
    served.person.out(
      state === 'waiting'
        ? `the org is idle: waiting for mail; the dashboard stays up at ${served.url}, and a message sent from it, with \`lemming send\` or dropped into an outbox starts the next turn (Ctrl-C stops)`
        : `the run has ended (${finished.reason}) and runs no more turns; the dashboard stays up at ${served.url} until Ctrl-C`,
    );
    if (state === 'ended') {
      await untilStopped(stop);
      return 0;
    }
    if (!(await untilWork(engine, stop))) return 0;
    const again = await runWithLines(engine, { stopWhenIdle: true }, mode, output, colour);
    finished = again.finished;
    code = again.exitCode;
  }
}
