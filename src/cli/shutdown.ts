import type { Output } from './cli-context.js';

/** How long a service command may take to stop after SIGTERM or SIGINT when nothing says otherwise (seconds): under Docker's 10 s grace. */
export const DEFAULT_SHUTDOWN_SECONDS = 8;

/** The bound of the guard in force in this process, if any: what a stop line says (stop-signal.ts). */
let guarded: (() => number) | undefined;

/**
 * How long a stop may still take, as the first Ctrl-C's line ends (`; lemming quits by itself 8 s after this at most …`), or
 * nothing where no guard bounds the stop (the terminal screen, which stops at its own pace).
 */
export function stopBoundText(): string {
  return guarded === undefined ? '' : `; lemming quits by itself ${guarded()} s after this at most (--shutdown-timeout), and the next start recovers`;
}

/** The process's stop, as the commands that serve (`run`, `run --serve`, `serve`, `worker`) see it. */
export interface Shutdown {
  /** True once SIGTERM or SIGINT came: the process takes no new work (and `/readyz` says so). */
  stopping(): boolean;
  /** The bound, once known (org.yaml `engine.shutdown_seconds` is read after the org loads). */
  setBound(seconds: number): void;
  dispose(): void;
}

/**
 * Bound the stop: the commands' own handlers stop taking work and close what is open (the engine's
 * run journals its turn, the dashboard saves its index, a worker finishes or hands back its jobs);
 * this guard only makes sure the process is gone `seconds` after the first signal, and at once on a
 * second. Either way every write on disk is whole, and the next start recovers as after any kill.
 */
export function guardShutdown(output: Output, seconds = DEFAULT_SHUTDOWN_SECONDS): Shutdown {
  let bound = seconds;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      output.err(`${signal} again: quitting now; the next start recovers`);
      process.exit(130);
    }
    stopping = true;
    // Unref'd: a stop that finishes sooner exits on its own, with its own code.
    timer = setTimeout(() => {
      output.err(`did not stop within ${bound} s (--shutdown-timeout): quitting now; the next start recovers`);
      process.exit(130);
    }, bound * 1000).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const bounded = (): number => bound;
  guarded = bounded;
  return {
    stopping: () => stopping,
    setBound: (next) => {
      if (Number.isFinite(next) && next > 0) bound = next;
    },
    dispose: () => {
      if (guarded === bounded) guarded = undefined;
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
