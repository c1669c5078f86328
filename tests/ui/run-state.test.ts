import { describe, expect, test } from 'vitest';
import { initialRunState, reduceRun, type RunAction, type RunState } from '../../src/ui/run/run-state.js';
import { runStatus } from '../../src/ui/run/run-header.js';
import { simpleTurn } from './helpers/events.js';

function fold(state: RunState, actions: RunAction[]): RunState {
  return actions.reduce(reduceRun, state);
}

describe('the run screen state', () => {
  const start = initialRunState([
    { name: 'janitor', isHuman: false, balance: 0.1, budget: 0.1, unread: 0 },
    { name: 'manager', isHuman: false, balance: 0.5, budget: 0.5, unread: 0 },
  ]);

  test("while git writes the history's last entries, the status says so, and a stop then says every turn is done", () => {
    const gate = { paused: false, stepping: false, stopping: false };
    const writing = fold(start, [{ type: 'history-writing', turn: 3 }]);
    expect(runStatus(writing, gate).text).toBe("every turn is done; git is writing the history's last entries (org/state/history.git)…");
    expect(runStatus(writing, { ...gate, stopping: true }).text).toMatch(/^stopping: every turn is done; the run ends once git has written the history's last entries/);
    expect(runStatus(start, { ...gate, stopping: true }).text).toBe('stopping: the turn in progress is left for the next run to finish…');
    const finished = fold(writing, [{ type: 'run-finished', reason: 'idle', turns: 3, lastTurn: 3, totals: start.totals, stranded: [], failing: [] }]);
    expect(finished.writingHistory).toBeUndefined();
    expect(runStatus(finished, gate).text).toBe('finished');
  });

  test('an agent that joins gets a row from the fresh snapshot; one that leaves loses its row', () => {
    const state = fold(start, [
      { type: 'org-reloaded', turn: 4, files: ['agents/tester/resume.md'], fixed: [], joined: ['tester'], left: ['janitor'] },
      {
        type: 'agents-snapshot',
        agents: [
          { name: 'manager', isHuman: false, balance: 0.5, budget: 0.7, unread: 0 },
          { name: 'tester', isHuman: false, balance: 0.2, budget: 0.2, unread: 1 },
        ],
      },
    ]);
    expect(state.agents.map((row) => [row.name, row.budget, row.activity.kind])).toEqual([
      ['manager', 0.7, 'idle'],
      ['tester', 0.2, 'has-mail'],
    ]);
    expect(state.edits.at(-1)?.text).toBe('turn 4 uses the edits: agents/tester/resume.md, tester joined, janitor left');
  });

  test('a broken org reported at every turn stays one line, with the latest turn', () => {
    const problems = [{ file: 'org/chart.yaml', line: 3, field: 'agents', message: 'is wrong', severity: 'error' as const }];
    const state = fold(start, [
      { type: 'org-invalid', turn: 2, problems },
      ...simpleTurn(2, 'manager', 'janitor', 'Tidy up'),
      { type: 'org-invalid', turn: 3, problems },
    ]);
    expect(state.edits.map((edit) => edit.text)).toEqual(['turn 3 keeps the last valid version of org/chart.yaml: org/chart.yaml:3: agents: is wrong']);
    expect(state.agents.find((row) => row.name === 'janitor')?.activity.kind).toBe('has-mail');
  });
});
