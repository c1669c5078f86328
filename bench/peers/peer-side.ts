import type { RingAccount } from './ring-accounting.js';
import type { RingCall, RingServer } from './ring-server.js';
import { steadyCpuPerStep, steadySteps, type SideRun } from './side-process.js';

/** What every workload of the peers section is given. */
export interface PeerSetting {
  server: RingServer;
  /** A fresh folder for this run's org or database. */
  scratch: string;
  /** Model calls in flight at once (engine.concurrency, maxConcurrency). */
  concurrency: number;
}

/** A steady run: the steps after the first, the process's peak RSS, and every call the model answered. */
export interface SteadyRun {
  stepsMs: number[];
  /** CPU time (user and system, every thread of the process) a steady step took, in ms, when the process could be read. */
  cpuPerStepMs?: number;
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
  const cpu = steadyCpuPerStep(run.stepCpuMs);
  return { stepsMs: steadySteps(run.stepEnds), ...(cpu === undefined ? {} : { cpuPerStepMs: cpu }), peakRssMb, calls: [...server.calls] };
}
