import { describe, expect, test } from 'vitest';
import { RunGate } from '../../src/ui/run/run-gate.js';

/** Whether `betweenTurns` lets the next turn start within a few event-loop rounds. */
async function passes(gate: RunGate): Promise<boolean> {
  let passed = false;
  void gate.betweenTurns().then(() => (passed = true));
  await new Promise((resolve) => setTimeout(resolve, 5));
  return passed;
}

describe('the run gate', () => {
  test('lets turns through while running and holds them while paused', async () => {
    const gate = new RunGate();
    expect(await passes(gate)).toBe(true);
    gate.togglePause();
    expect(await passes(gate)).toBe(false);
  });

  test('a step lets exactly one turn through, then holds again', async () => {
    const gate = new RunGate({ paused: true });
    const first = gate.betweenTurns();
    gate.step();
    await first;
    expect(gate.isStepping).toBe(true);
    expect(await passes(gate)).toBe(false);
    expect(gate.isStepping).toBe(false);
  });

  test('stop releases a paused run for good, so the engine can end it', async () => {
    const gate = new RunGate({ paused: true });
    const held = gate.betweenTurns();
    gate.stop();
    await held;
    expect(await passes(gate)).toBe(true);
    gate.togglePause();
    expect(gate.isPaused).toBe(true);
    expect(await passes(gate)).toBe(true);
  });
});
