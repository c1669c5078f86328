import { onStopSignals } from '../ui/shared/stop-signals.js';
import type { Output } from './cli-context.js';
import { stopBoundText } from './shutdown.js';

/** What a first Ctrl-C leaves while turns may be under way. */
export const TURN_STOP_TEXT = 'the next `lemming run` resumes where this one stops';

/**
 * Ctrl-C (or SIGTERM) stops a run cleanly: model calls in flight are abandoned, a tool call
 * under way has half the stop's bound to end (engine/turn/tool-grace.ts), every file is whole,
 * and the next run finishes the turn. A second Ctrl-C exits at once,
 * which is safe too, since every write is atomic. `leaves` says, as the signal comes,
 * what stopping leaves then (TURN_STOP_TEXT while a turn may be under way).
 */
export function stopOnSignal(output: Output, leaves: () => string = () => `${TURN_STOP_TEXT} (Ctrl-C again to quit now)`): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const dispose = onStopSignals(() => {
    if (controller.signal.aborted) process.exit(130);
    output.err(`stopping: ${leaves()}${stopBoundText()}`);
    controller.abort();
  });
  return { signal: controller.signal, dispose };
}
