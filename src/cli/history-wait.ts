import type { EngineEvent } from '../engine/events.js';
import type { Output } from './cli-context.js';
import { QUIET_MS } from '../work-progress.js';
import { stopOnSignal, TURN_STOP_TEXT } from './stop-signal.js';

/** Said once a run has waited QUIET_MS for git after its last turn (the engine's `history-writing`). */
export const HISTORY_WAIT_TEXT = "every turn is done; waiting for git to write the history's last entries (org/state/history.git) before the summary";
/** What a first Ctrl-C leaves then: no turn, only entries git has not written yet. */
export const HISTORY_STOP_TEXT =
  "every turn is done; the run ends once git has written the history's last entries (Ctrl-C again to quit now: they wait beside the store, and the next `lemming run` writes them)";
/** Said once closing the engine after a run has waited QUIET_MS for git. */
export const HISTORY_CLOSE_TEXT = 'the run is over; waiting for git to finish the history (org/state/history.git)';
/** What a first Ctrl-C leaves then. */
export const HISTORY_CLOSE_STOP_TEXT =
  'the run is over; lemming exits once git has finished the history (Ctrl-C again to quit now: an entry git has not written waits beside the store, and the next `lemming run` writes it)';

/**
 * A run's end while git writes the history's last entries: a line once it has waited QUIET_MS (none when git
 * is quick, as a line that flashes by says nothing), and what a first Ctrl-C leaves meanwhile (`stopText`).
 * `seen` is told each event of the run, in order.
 */
export function historyWait(say: (line: string) => void): { seen(event: EngineEvent): void; stopText(): string; dispose(): void } {
  let writing = false;
  let timer: NodeJS.Timeout | undefined;
  return {
    seen(event) {
      if (event.type === 'history-writing') {
        writing = true;
        timer = setTimeout(() => say(HISTORY_WAIT_TEXT), QUIET_MS).unref();
      } else if (writing) {
        writing = false;
        clearTimeout(timer);
      }
    },
    stopText: () => (writing ? HISTORY_STOP_TEXT : `${TURN_STOP_TEXT} (Ctrl-C again to quit now)`),
    dispose: () => clearTimeout(timer),
  };
}

/**
 * Wait for `closing` (the engine closed after a run), saying so once it has waited QUIET_MS while git still
 * finishes the history (`historyClosing`), and what a first Ctrl-C leaves meanwhile.
 */
export async function closeAfterRun<T>(closing: Promise<T>, historyClosing: () => boolean, say: (line: string) => void, output: Output): Promise<T> {
  const stop = stopOnSignal(output, () => (historyClosing() ? HISTORY_CLOSE_STOP_TEXT : 'the run is over (Ctrl-C again to quit now)'));
  const timer = setTimeout(() => {
    if (historyClosing()) say(HISTORY_CLOSE_TEXT);
  }, QUIET_MS).unref();
  try {
    return await closing;
  } finally {
    clearTimeout(timer);
    stop.dispose();
  }
}
