import type { RingAccount } from './ring-accounting.js';
import type { RingCall, RingServer } from './ring-server.js';
import { stepsAfterFirst, type SideRun } from './side-process.js';

/** What every workload of the peers section is given. */
export interface PeerSetting {
  server: RingServer;
  /** A fresh folder for this run's org or database. */
  scratch: string;
  /** Model calls in flight at once (engine.concurrency, maxConcurrency). */
  concurrency: number;
}

/** A run of the ring: its steps after the first, the process's peak RSS, and every call the model answered. */
export interface SteadyRun {
  /** Each step's wall time after the first (which holds the process's start), in order, in ms. */
  stepsMs: number[];
  /** Each of those steps' CPU time (user and system, every thread of the process) in ms, when the process could be read. */
  stepCpuMs?: number[];
  peakRssMb: number;
  calls: RingCall[];
}

/** A fork after step `at` of a finished run with one message changed, run to its last step: the calls it made. */
export interface ForkRun {
  calls: number;
  /** Calls whose prompt held the changed message. */
  sawChange: number;
}

/** One tool on the ring's workloads (lemming-side.ts, langgraph-side.ts). */
export interface PeerSide {
  name: string;
  /** A fresh ring of `agents`, run for `steps` steps. */
  steady(setting: PeerSetting, agents: number, steps: number): Promise<SteadyRun>;
  /** A fresh ring run for `steps` steps, forked after step `at` with one message changed, the fork run to step `steps`. */
  fork(setting: PeerSetting, agents: number, steps: number, at: number): Promise<ForkRun>;
  /** A fresh ring killed with SIGKILL when half of step `killAt`'s calls have reached the model, then resumed to step `steps`. */
  kill(setting: PeerSetting, agents: number, steps: number, killAt: number): Promise<RingAccount>;
}

/** Arm the server to kill `kill()` once half of step `step`'s calls have arrived; returns whether it fired. */
export function killInStep(server: RingServer, agents: number, step: number, kill: () => void): () => boolean {
  let seen = 0;
  let fired = false;
  server.onCall = (call) => {
    if (fired || call.step !== step) return;
    seen += 1;
    if (seen >= Math.ceil(agents / 2)) {
      fired = true;
      kill();
    }
  };
  return () => {
    server.onCall = undefined;
    return fired;
  };
}

/** What a finished steady run measured: its steady steps' wall and CPU time, its peak RSS, and the calls the server answered. */
export function steadyRun(run: SideRun, peakRssMb: number, server: RingServer): SteadyRun {
  const cpu = run.stepCpuMs.length === run.stepEnds.length ? stepsAfterFirst(run.stepCpuMs) : undefined;
  return { stepsMs: stepsAfterFirst(run.stepEnds), ...(cpu === undefined ? {} : { stepCpuMs: cpu }), peakRssMb, calls: [...server.calls] };
}
