import { onStopSignals } from '../ui/shared/stop-signals.js';
import type { Output } from './cli-context.js';

/**
 * Ctrl-C (or SIGTERM) stops a run cleanly: calls in flight are abandoned, every
 * file is whole, and the next run finishes the turn. A second Ctrl-C exits at once,
 * which is safe too, since every write is atomic.
 */
export function stopOnSignal(output: Output): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const dispose = onStopSignals(() => {
    if (controller.signal.aborted) process.exit(130);
    output.err('stopping: the next `lemming run` resumes where this one stops (Ctrl-C again to quit now)');
    controller.abort();
  });
  return { signal: controller.signal, dispose };
}
