/**
 * Hand the event loop back for one round: timers, signals and the sockets of a server in the
 * same process (`lemming run --serve`'s dashboard, its health checks) are served before the
 * turn goes on. A turn on an instant model (the offline one) otherwise runs entirely in
 * promise callbacks, which never let the loop turn: a request, or SIGTERM, waited for the run's end.
 */
export function letOthersRun(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** How many times the engine has handed the loop back since the process started: tests count them. */
export const handedBack = { count: 0 };

/**
 * The loop is handed back after this many units of work, or sooner when they took this long:
 * a round of the loop costs a system call and a macrotask, so one per agent was a tenth of a
 * turn of 10,000 agents on an instant model, while a server waits at most this long for its turn.
 */
export const UNITS_BETWEEN_HAND_BACKS = 16;
const MS_BETWEEN_HAND_BACKS = 5;

let unitsSince = 0;
let lastHandBack = 0;

/**
 * Called between two units of work (two agents' answers, two turns): hands the loop back
 * (letOthersRun, counted) once UNITS_BETWEEN_HAND_BACKS units or MS_BETWEEN_HAND_BACKS
 * have passed since the last time; otherwise returns at once, with nothing to wait for.
 */
export function betweenUnitsOfWork(): Promise<void> | undefined {
  unitsSince += 1;
  if (unitsSince < UNITS_BETWEEN_HAND_BACKS && performance.now() - lastHandBack < MS_BETWEEN_HAND_BACKS) return undefined;
  unitsSince = 0;
  handedBack.count += 1;
  return letOthersRun().then(() => {
    lastHandBack = performance.now();
  });
}
