/*
 * The note a call stopped at org.yaml `engine.max_steps` leaves on its agent's log: its tools ran and
 * the model never saw their last results. Written by the step loop, counted by whatever reads the
 * logs (a study's runs, `analyze`), so a limit that decided part of a study is said, not only set.
 */

/** The note of a call stopped at `maxSteps` steps. */
export function maxStepsNote(maxSteps: number): string {
  return `stopped at engine.max_steps (${maxSteps}) with tool results the model did not see`;
}

const STOPPED = /stopped at engine\.max_steps \(\d+\) with tool results the model did not see/g;

/**
 * How many calls a log line says stopped at `engine.max_steps`: one for an agent's turn, one a round
 * for a meeting's speeches (their notes joined on one line, each after its round). Pure.
 */
export function callsStoppedAtMaxSteps(entry: { readonly event: string; readonly [field: string]: unknown }): number {
  const message = entry['message'];
  if (entry.event !== 'note' || typeof message !== 'string') return 0;
  return message.match(STOPPED)?.length ?? 0;
}
