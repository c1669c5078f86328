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

/** letOthersRun, counted. */
export async function betweenUnitsOfWork(): Promise<void> {
  handedBack.count += 1;
  await letOthersRun();
}
