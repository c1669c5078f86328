import { describe, expect, test } from 'vitest';
import { experimentProgress } from '../../src/cli/experiment-progress.js';
import { progressLine } from '../../src/cli/progress-line.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { emptyStats } from '../../src/engine/run-totals.js';

/** A terminal as far as a progress line goes: every byte written, and what its rows read once CR and erase are applied. */
function fakeTerminal(columns = 60): { stream: { write(text: string): void; isTTY: boolean; columns: number }; rows(): string[]; written(): string } {
  let bytes = '';
  return {
    stream: { write: (text: string) => void (bytes += text), isTTY: true, columns },
    written: () => bytes,
    rows: () => bytes.replace(/[^\n]*\r\u001b\[2K/g, '').split('\n'),
  };
}

const events = {
  turn: (turn: number): EngineEvent => ({ type: 'turn-started', turn, agents: [], recovering: false }),
  call: (turn: number, agent: string): EngineEvent => ({ type: 'agent-called', turn, agent, model: 'offline', reason: 'mail', inbox: 1, deferred: 0 }),
  charge: (turn: number, agent: string, credits: number): EngineEvent => ({ type: 'credits-charged', turn, agent, model: 'offline', inputTokens: 10, outputTokens: 5, credits, balance: 1, estimated: false }),
  done: (turn: number): EngineEvent => ({ type: 'turn-finished', turn, stats: { ...emptyStats(), called: 1, delivered: 1, inputTokens: 10, outputTokens: 5, credits: 0.002, durationMs: 1 } }),
};

describe("an experiment's progress", () => {
  test("on a terminal: one live line with each running run's turn, calls and credits, the lines that stay above it", () => {
    const terminal = fakeTerminal(200);
    const progress = progressLine({ out: () => undefined, err: (line) => void terminal.stream.write(`${line}\n`) }, terminal.stream, true);
    const runs = experimentProgress(progress);
    runs.event('baseline-r1', events.turn(1));
    runs.event('baseline-r1', events.call(1, 'manager'));
    runs.event('baseline-r1', events.charge(1, 'manager', 0.0026));
    runs.event('no-planner-r1', events.turn(3));
    expect(terminal.rows().at(-1)).toBe('running 2: baseline-r1 turn 1 · 1 call · 0.0026 credits; no-planner-r1 turn 3 · 0 calls · 0.0000 credits');
    progress.print('baseline-r1: idle after turn 1, 1 message(s), 0.0026 credits');
    runs.ended('baseline-r1');
    // The line that stays is on a row of its own; the live line below it has only the run still running.
    expect(terminal.rows()).toEqual(['baseline-r1: idle after turn 1, 1 message(s), 0.0026 credits', 'running 1: no-planner-r1 turn 3 · 0 calls · 0.0000 credits']);
    runs.ended('no-planner-r1');
    progress.done();
    expect(terminal.rows()).toEqual(['baseline-r1: idle after turn 1, 1 message(s), 0.0026 credits', '']);
  });

  test('a live line wider than the terminal is cut to one row, and an unchanged line is not written again', () => {
    const terminal = fakeTerminal(40);
    const progress = progressLine({ out: () => undefined, err: () => undefined }, terminal.stream, true);
    progress.update(`running: ${'x'.repeat(100)}`);
    expect(terminal.rows().at(-1)).toHaveLength(39);
    expect(terminal.rows().at(-1)?.endsWith('…')).toBe(true);
    const before = terminal.written().length;
    progress.update(`running: ${'x'.repeat(100)}`);
    expect(terminal.written()).toHaveLength(before);
  });

  test('without a live line (CI, --plain, not a terminal): a plain line per run and finished turn, nothing rewritten', () => {
    const terminal = fakeTerminal();
    const printed: string[] = [];
    const progress = progressLine({ out: () => undefined, err: (line) => void printed.push(line) }, terminal.stream, false);
    const runs = experimentProgress(progress);
    runs.event('baseline-r1', events.turn(1));
    runs.event('baseline-r1', events.call(1, 'manager'));
    runs.event('baseline-r1', events.charge(1, 'manager', 0.0026));
    runs.event('baseline-r1', events.done(1));
    runs.event('baseline-r1', events.turn(2));
    runs.event('baseline-r1', events.call(2, 'planner'));
    runs.event('baseline-r1', events.call(2, 'coder_01'));
    runs.event('baseline-r1', events.done(2));
    runs.ended('baseline-r1');
    expect(printed).toEqual(['baseline-r1 turn 1 · 1 call · 0.0026 credits (turn 1 done)', 'baseline-r1 turn 2 · 3 calls · 0.0026 credits (turn 2 done)']);
    expect(terminal.written()).toBe('');
  });
});
