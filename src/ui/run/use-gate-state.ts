import { useEffect, useState } from 'react';
import type { RunGate } from './run-gate.js';

/** The run gate's flags; `stepping` holds from `s` until the turn it let through has finished. */
export interface GateState {
  paused: boolean;
  stepping: boolean;
  stopping: boolean;
}

function read(gate: RunGate): GateState {
  return { paused: gate.isPaused, stepping: gate.isStepping, stopping: gate.isStopped };
}

/** The gate's state as React state, so the header says "paused" the moment `p` is pressed. */
export function useGateState(gate: RunGate): GateState {
  const [state, setState] = useState(() => read(gate));
  useEffect(() => gate.onChange(() => setState(read(gate))), [gate]);
  return state;
}
