import { useInput } from 'ink';
import type { RunGate } from './run-gate.js';

/**
 * The run screen's keys: `p` pauses after the current turn (and goes on), `s` runs one
 * turn while paused, `q` and Ctrl-C stop cleanly. Raw mode is only asked for when the
 * terminal can give it (stdin may be a pipe even when stdout is a terminal).
 */
export function useRunKeys(gate: RunGate, onStop: (how: 'q' | 'ctrl-c') => void, isActive: boolean): void {
  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') onStop('ctrl-c');
      else if (input === 'q') onStop('q');
      else if (input === 'p') gate.togglePause();
      else if (input === 's') gate.step();
    },
    { isActive },
  );
}
