import type { EngineEvent } from '../engine/events.js';
import { plural, showCredits } from '../format/format.js';
import type { ProgressLine } from './progress-line.js';

/** Where one running run stands, from its engine's events. */
interface RunStanding {
  turn: number | undefined;
  calls: number;
  credits: number;
}

function standing(run: string, at: RunStanding): string {
  return `${run} turn ${at.turn ?? '–'} · ${plural(at.calls, 'call')} · ${showCredits(at.credits)} credits`;
}

/**
 * The runs of an experiment as they go: on a terminal, one live line with each running run's
 * turn, calls and credits (counted from this start of the experiment); without one, a line per
 * run and finished turn.
 */
export function experimentProgress(progress: ProgressLine): { event(run: string, event: EngineEvent): void; ended(run: string): void } {
  const running = new Map<string, RunStanding>();
  const redraw = (): void => {
    if (running.size === 0) return progress.done();
    progress.update(`running ${running.size}: ${[...running].map(([run, at]) => standing(run, at)).join('; ')}`);
  };
  return {
    event(run, event) {
      const at = running.get(run) ?? { turn: undefined, calls: 0, credits: 0 };
      running.set(run, at);
      if (event.type === 'turn-started') at.turn = event.turn;
      else if (event.type === 'agent-called') at.calls += 1;
      else if (event.type === 'credits-charged') at.credits += event.credits;
      else if (event.type === 'turn-finished' && !progress.live) progress.print(`${standing(run, at)} (turn ${event.turn} done)`);
      redraw();
    },
    ended(run) {
      running.delete(run);
      redraw();
    },
  };
}
