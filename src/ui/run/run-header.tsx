import { Box } from 'ink';
import { Text } from '../shared/text.js';
import { Bar } from '../shared/bar.js';
import type { RunState } from './run-state.js';
import type { GateState } from './use-gate-state.js';

/** What the run is doing now, in words: the first thing a person looks for after pressing a key. */
export function runStatus(state: RunState, gate: GateState): { text: string; color: string } {
  if (state.finished) return { text: 'finished', color: 'green' };
  if (state.writingHistory) {
    return gate.stopping
      ? { text: "stopping: every turn is done; the run ends once git has written the history's last entries (Ctrl-C again to quit now: the next run writes them)", color: 'yellow' }
      : { text: "every turn is done; git is writing the history's last entries (org/state/history.git)…", color: 'cyan' };
  }
  if (gate.stopping) return { text: 'stopping: the turn in progress is left for the next run to finish…', color: 'yellow' };
  if (gate.paused && gate.stepping) return { text: 'running one turn, then pausing', color: 'cyan' };
  if (gate.paused && state.current) return { text: 'pausing after this turn', color: 'yellow' };
  if (gate.paused) return { text: `paused after turn ${state.lastTurn}`, color: 'yellow' };
  return { text: 'running', color: 'green' };
}

function keysHint(gate: GateState, keys: boolean): string {
  if (!keys) return 'keys need a terminal on stdin; Ctrl-C stops';
  return gate.paused ? 'p go on · s one turn · q quit' : 'p pause · q quit';
}

/** The org, the turn and its progress, the run's status and the keys. */
export function RunHeader({ state, gate, keys, watching }: { state: RunState; gate: GateState; keys: boolean; watching: boolean }) {
  const status = runStatus(state, gate);
  const current = state.current;
  const total = current?.agents.length ?? 0;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text wrap="truncate-end">
        <Text bold>{`lemming run · ${state.org || 'org'}`}</Text>
        {' · '}
        <Text color={status.color}>{status.text}</Text>
      </Text>
      {/* On a line of their own, wrapped rather than cut: the keys must show in a narrow terminal. */}
      {state.finished ? null : <Text dimColor>{`${keysHint(gate, keys)}${watching ? ' · watching hand edits' : ''}`}</Text>}
      {current ? (
        <Text wrap="truncate-end">
          <Text bold>{`Turn ${current.turn}${current.recovering ? ' (finishing an interrupted turn)' : ''} `}</Text>
          <Bar fraction={total > 0 ? current.done / total : 1} width={20} color="cyan" />
          {` ${current.done}/${total} agent(s) done`}
        </Text>
      ) : (
        <Text>
          <Text bold>{`Turn ${state.lastTurn}`}</Text>
          <Text dimColor>{state.lastTurn === 0 ? ' — no turn run yet' : ' finished'}</Text>
        </Text>
      )}
    </Box>
  );
}
