import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../src/analysis/records/org-records.js';
import { pathSteps } from '../../src/blame/candidate-steps.js';
import { estimateBlame, planForks } from '../../src/blame/blame-plan.js';

function message(id: string, from: string, to: string, turn: number, replyTo?: string): MessageRecord {
  return { id, from, to, turn, priority: 'normal', body: '', ...(replyTo ? { replyTo } : {}) };
}

describe("blame's candidate steps and plan", () => {
  it("--path keeps the calls that wrote a message of a person's request's thread, not the others", () => {
    const messages = [
      message('000000-human-001', 'human', 'manager', 0),
      message('000001-manager-001', 'manager', 'planner', 1, '000000-human-001'),
      message('000001-janitor-001', 'janitor', 'manager', 1),
      message('000002-planner-001', 'planner', 'manager', 2, '000001-manager-001'),
      message('000002-hr-001', 'hr', 'janitor', 2, '000001-janitor-001'),
      message('000003-manager-001', 'manager', 'human', 3, '000002-planner-001'),
    ];
    expect(pathSteps(messages, new Set(['human']))).toEqual([
      { turn: 1, agent: 'manager' },
      { turn: 2, agent: 'planner' },
      { turn: 3, agent: 'manager' },
    ]);
  });

  it("plans k seeds a step, never the run's own, the same for the same seed; the estimate copies the turns before each step", () => {
    const steps = [{ turn: 1, agent: 'a' }, { turn: 2, agent: 'b' }];
    const planned = planForks(steps, 3, 5, () => 12345);
    expect(planned.map((fork) => fork.fork)).toEqual(['t1-a-1', 't1-a-2', 't1-a-3', 't2-b-1', 't2-b-2', 't2-b-3']);
    expect(new Set(planned.map((fork) => fork.seed)).size).toBe(6);
    expect(planForks(steps, 3, 5, () => 12345)).toEqual(planned);
    expect(planForks(steps, 3, 6, () => 12345)).not.toEqual(planned);
    const own = planned[0]!.seed;
    expect(planForks(steps, 3, 5, () => own)[0]!.seed).not.toBe(own);
    // Controls re-run the call on its own seed, a try and a control in turn; the tries' seeds are the same as without them.
    const controlled = planForks(steps, 3, 5, () => 12345, { count: 2, seedOf: () => 12345 });
    expect(controlled.map((fork) => fork.fork)).toEqual(['t1-a-1', 't1-a-c1', 't1-a-2', 't1-a-c2', 't1-a-3', 't2-b-1', 't2-b-c1', 't2-b-2', 't2-b-c2', 't2-b-3']);
    expect(controlled.filter((fork) => !fork.control)).toEqual(planned);
    expect(controlled.filter((fork) => fork.control).every((fork) => fork.seed === 12345)).toBe(true);
    expect(planForks(steps, 1, 5, () => undefined, { count: 1, seedOf: () => undefined })[1]).not.toHaveProperty('seed');
    const run = { calls: [{ turn: 1, agent: 'a', credits: 1, model: 'm' }, { turn: 2, agent: 'b', credits: 2, model: 'm' }, { turn: 3, agent: 'a', credits: 4, model: 'm' }], lastTurn: 3 };
    // Step at turn 1 re-runs all three calls (7 credits); at turn 2 the last two (6) and copies the first (1).
    expect(estimateBlame(steps, 3, run)).toEqual({ steps: 2, forks: 6, controls: 0, calls: 15, credits: 39, sharedCalls: 3, sharedCredits: 3 });
    // Controls cost what changed forks do: 3 of each a step doubles the calls.
    expect(estimateBlame(steps, 3, run, 3)).toEqual({ steps: 2, forks: 12, controls: 6, calls: 30, credits: 78, sharedCalls: 6, sharedCredits: 6 });
  });
});
