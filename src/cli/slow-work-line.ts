import { formatCount } from '../format/format.js';
import { QUIET_MS, type WorkProgress } from '../work-progress.js';
import { commandIo, type Output } from './cli-context.js';
import { progressLine, wantsLiveLine } from './progress-line.js';

/** How often a live line is redrawn, and how often a plain line is printed within one step. */
const LIVE_EVERY_MS = 100;
const PLAIN_EVERY_MS = 10_000;

/**
 * Progress of long work (`exporting`, `importing`, …) once it has taken two seconds: on a
 * terminal a live line (`exporting: copying the org's files · 12,345 of 40,000`) redrawn at most
 * ten times a second; without one (CI, `--plain`, a pipe) a line when a step starts and at most
 * one each ten seconds within it. `now` is the clock (milliseconds), given by tests.
 */
export function slowWorkLine(output: Output, verb: string, options: { plain?: boolean; now?: () => number } = {}): { progress: WorkProgress; done(): void } {
  const now = options.now ?? (() => performance.now());
  const line = progressLine(output, commandIo().stderr, wantsLiveLine(options.plain));
  const started = now();
  let lastStep: string | undefined;
  let lastShown = Number.NEGATIVE_INFINITY;
  const progress: WorkProgress = (step, done, total) => {
    const at = now();
    if (at - started < QUIET_MS) return;
    const text = `${verb}: ${step} · ${formatCount(done)}${total === undefined ? '' : ` of ${formatCount(total)}`}`;
    if (line.live) {
      if (step === lastStep && at - lastShown < LIVE_EVERY_MS && done !== total) return;
      line.update(text);
    } else {
      if (step === lastStep && at - lastShown < PLAIN_EVERY_MS) return;
      line.print(text);
    }
    lastStep = step;
    lastShown = at;
  };
  return { progress, done: () => line.done() };
}
