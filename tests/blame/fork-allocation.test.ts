import { describe, expect, it } from 'vitest';
import { nextAllocation, type StepTally } from '../../src/blame/fork-allocation.js';
import { blameSimulated, simulatedRun } from '../../src/blame/simulated-run.js';

const tally = (forks: number, passed: number, controls = 0, controlPassed = 0): StepTally => ({ forks, passed, controls, controlPassed });
const settings = { firstPass: 3, controlShare: 0, confidence: 0.95, budget: 1000, width: 4 };

describe('adaptive allocation: which step to fork next', () => {
  it('gives every step its first pass, controls at their pace, forks and controls in turn', () => {
    const next = nextAllocation([tally(0, 0), tally(2, 1, 1, 0)], { ...settings, controlShare: 0.5 });
    expect(next.state).toBe('first-pass');
    expect(next.forks).toEqual([
      { step: 0, control: false },
      { step: 0, control: true },
      { step: 0, control: false },
      { step: 0, control: true },
      { step: 0, control: false },
      { step: 1, control: true },
      { step: 1, control: false },
    ]);
  });

  it('forks the leader and the contenders whose interval overlaps its, the highest upper bounds first', () => {
    const next = nextAllocation([tally(3, 0), tally(10, 6), tally(3, 1), tally(10, 0), tally(4, 1)], { ...settings, width: 2 });
    expect(next.state).toBe('contention');
    expect(next.leader).toBe(1);
    // Step 3's 0 of 10 (upper bound 0.28) is below the leader's lower bound (0.31): out of contention.
    expect(next.contenders).toEqual([2, 4, 0]);
    expect(next.forks).toEqual([{ step: 1, control: false }, { step: 2, control: false }, { step: 4, control: false }]);
  });

  it('stops when the leader is separated at the stated confidence, and not before', () => {
    const steps = [tally(20, 18), tally(20, 2), tally(20, 3)];
    expect(nextAllocation(steps, settings)).toMatchObject({ state: 'separated', forks: [], leader: 0, contenders: [] });
    // 12 of 20 against 6 of 20 overlaps at 95 % but not at 50 %.
    expect(nextAllocation([tally(20, 12), tally(20, 6)], settings).state).toBe('contention');
    expect(nextAllocation([tally(20, 12), tally(20, 6)], { ...settings, confidence: 0.5 }).state).toBe('separated');
  });

  it('cuts a round to the budget and says when it is spent', () => {
    const steps = [tally(3, 1), tally(3, 1), tally(3, 1)];
    expect(nextAllocation(steps, { ...settings, budget: 10 }).forks).toHaveLength(1);
    expect(nextAllocation(steps, { ...settings, budget: 9 })).toMatchObject({ state: 'budget-spent', forks: [] });
  });

  // The hard case: the culprit flips 30 % of its forks, 49 other steps 10 % each; 20 seeded trials.
  it('names the culprit first in at least 80 % of the hard case at 1,000 changed forks, where forking every step alike does not', async () => {
    const trials = 20;
    let adaptive = 0;
    let agents = 0;
    let uniform = 0;
    for (let trial = 0; trial < trials; trial += 1) {
      const run = simulatedRun({ steps: 50, agents: 5, culprit: (trial * 7) % 50, culpritFlip: 0.3, noise: 0.1, control: 0.1 });
      const found = await blameSimulated(run, { strategy: 'adaptive', k: 20, controls: 10, confidence: 0.95, budget: 1000, firstPass: 3 }, trial + 1);
      expect(found.forks).toBeLessThanOrEqual(1000 + 3 * 10);
      if (found.stepRank === 1) adaptive += 1;
      if (found.agentRank === 1) agents += 1;
      const even = await blameSimulated(run, { strategy: 'per-step', k: 20, controls: 0, confidence: 0.95, budget: 0, firstPass: 0 }, trial + 1);
      expect(even.forks).toBe(1000);
      if (even.stepRank === 1) uniform += 1;
    }
    expect(adaptive / trials).toBeGreaterThanOrEqual(0.8);
    expect(agents / trials).toBeGreaterThanOrEqual(0.8);
    expect(uniform).toBeLessThan(adaptive);
  });
});

describe('adaptive ranking: every step read against the controls pooled', () => {
  it('a step without controls of its own is tested against every control, and says so', async () => {
    const { rankBlame } = await import('../../src/blame/blame-ranking.js');
    const { stepLine } = await import('../../src/blame/render-blame.js');
    const fork = (turn: number, control: boolean, passed: boolean, index: number) => ({ turn, agent: `a${turn}`, fork: `f${turn}-${index}-${control}`, model: 'm', control, passed, calls: 1, credits: 0, sharedCalls: 0, lastTurn: turn });
    const outcomes = [
      ...Array.from({ length: 8 }, (_, index) => fork(1, false, index < 6, index)),
      ...Array.from({ length: 8 }, (_, index) => fork(1, true, false, index)),
      ...Array.from({ length: 4 }, (_, index) => fork(2, false, index < 1, index)),
    ];
    const { steps } = rankBlame([{ turn: 1, agent: 'a1' }, { turn: 2, agent: 'a2' }], outcomes, 'pooled');
    expect(steps[0]).toMatchObject({ turn: 1, control: { forks: 8, passed: 0 }, verdict: 'effect' });
    expect(steps[0]!.pooledControl).toBeUndefined();
    expect(steps[1]).toMatchObject({ turn: 2, pooledControl: true, control: { forks: 8, passed: 0 }, verdict: 'unclear' });
    expect(stepLine(steps[1]!)).toContain('against the controls pooled (it had none of its own) 0/8');
    // Ranked by effect alone, as per-step ranks, the step without controls would have no control and no p.
    expect(rankBlame([{ turn: 1, agent: 'a1' }, { turn: 2, agent: 'a2' }], outcomes).steps[1]).toMatchObject({ verdict: 'no-control' });
  });
});
