import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rankBlame, type ForkOutcome } from '../../src/blame/blame-ranking.js';
import { blameRun } from '../../src/blame/blame-run.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import { failedRelay, RELAY_CHECK, RELAY_SEED, relayModels } from './relay-org.js';

describe("blame reads each step's change against its control", () => {
  it("a step whose change makes the run pass and whose control (the call as it was) does not: an effect, with Fisher's p", async () => {
    const root = await failedRelay('seeded');
    const calls: ProviderRequest[] = [];
    const report = await blameRun(root, { check: RELAY_CHECK, k: 6, providerFactory: () => relayModels('seeded', { calls }) });
    expect(report.controls).toBe(6);
    // 2 steps × (6 tries + 6 controls), each a fork through the same path, counted in the estimate and the worst case.
    expect(report.estimate).toMatchObject({ steps: 2, forks: 24, controls: 12 });
    expect(report.worstCase.forks).toBe(24);
    expect(report.forks).toHaveLength(24);
    expect(calls).toHaveLength(report.spent.calls);
    // A control re-runs the call on its own model and seed.
    for (const control of report.forks.filter((fork) => fork.control)) expect(control).toMatchObject({ seed: RELAY_SEED, model: 'scripted', passed: false });
    const [first, second] = report.steps;
    expect(first).toMatchObject({ turn: 1, agent: 'a', forks: 6, passed: 6, control: { forks: 6, passed: 0 }, effect: 1, verdict: 'effect' });
    // Fisher, two-sided, 6 of 6 against 0 of 6: 2 / C(12, 6).
    expect(first!.p).toBeCloseTo(2 / 924, 10);
    expect(first!.control!.interval[1]).toBeCloseTo(0.39, 2);
    expect(second).toMatchObject({ turn: 2, agent: 'b', passed: 0, control: { passed: 0 }, effect: 0, p: 1, verdict: 'none' });
    expect(report.repeatability).toEqual([expect.objectContaining({ model: 'scripted', provider: 'offline', repeats: 'exactly', seed: RELAY_SEED })]);
    const markdown = readFileSync(join(report.folder, 'report.md'), 'utf8');
    expect(markdown).toContain('| control passed | control rate | control 95% interval | effect | p | adjusted p | verdict |');
    // b's forks and controls all failed: its test can give no p but 1, so adjusting a's for the two steps costs it nothing.
    expect(first!.adjustedP).toBeCloseTo(2 / 924, 10);
    expect(markdown).toMatch(/\| 1 \| 1 \| a \| 6 \| 6 \| 1\.00 \| \[0\.61, 1\.00\] \| 6 \| 0 \| 0\.00 \| \[0\.00, 0\.39\] \| 1\.00 \| 0\.002 \| 0\.002 \| effect \|/);
    expect(markdown).toContain('A verdict reads p adjusted for the 2 step(s) tested against a control');
    // Each rate's bracket says its level, method and unit (before, `[0.61, 1.00]` stood bare in the terminal's ranking).
    expect(markdown).toContain('A pass rate is passes over forks, its bracket the 95 % Wilson interval over them (a fork one trial). Each step was also re-run');
    expect(markdown).toContain('scripted (offline, seed 21) repeats a call exactly');

    // --controls 0: none is run, each step says so, and the report says nothing separates a change from the run's noise.
    const bare = await blameRun(root, { check: RELAY_CHECK, k: 1, controls: 0, folder: join(root, 'bare'), providerFactory: () => relayModels('seeded') });
    expect(bare.forks.every((fork) => !fork.control)).toBe(true);
    expect(bare.steps.map((step) => step.verdict)).toEqual(['no-control', 'no-control']);
    expect(readFileSync(join(bare.folder, 'report.md'), 'utf8')).toContain('A pass rate is passes over forks, its bracket the 95 % Wilson interval over them (a fork one trial). No control was run (--controls 0)');
  }, 300_000);

  it('a run that passes by its own noise as often in controls as in changed forks: every step is noise, and a model without a seed says it cannot repeat a call', async () => {
    const root = await failedRelay('noisy');
    // The agents' model takes no seed: the changed call runs on the repair model; the controls on the agent's own, as it was.
    const report = await blameRun(root, { check: RELAY_CHECK, k: 4, model: 'repair', providerFactory: () => relayModels('noisy') });
    for (const step of report.steps) {
      // Without the control this was "passed 4/4": the step most to blame.
      expect(step).toMatchObject({ forks: 4, passed: 4, control: { forks: 4, passed: 4 }, effect: 0, p: 1, verdict: 'noise' });
    }
    expect(report.forks.filter((fork) => fork.control).every((fork) => fork.model === 'cloud' && fork.seed === undefined)).toBe(true);
    expect(report.forks.filter((fork) => !fork.control).every((fork) => fork.model === 'repair')).toBe(true);
    expect(report.repeatability).toEqual([expect.objectContaining({ model: 'cloud', provider: 'anthropic', repeats: 'no' })]);
    const markdown = readFileSync(join(report.folder, 'report.md'), 'utf8');
    expect(markdown).toContain("cloud (anthropic, temperature not sent: the provider's default) cannot repeat a call");
    expect(markdown).toMatch(/\| 1 \| 1 \| a \| 4 \| 4 \| 1\.00 \| \[0\.51, 1\.00\] \| 4 \| 4 \| 1\.00 \| \[0\.51, 1\.00\] \| 0\.00 \| 1\.000 \| 1\.000 \| noise \|/);
  }, 300_000);
});

describe('agents ranked by their best step', () => {
  const fork = (agent: string, turn: number, control: boolean, passed: boolean, attempt: number): ForkOutcome => ({
    turn,
    agent,
    fork: `t${turn}-${agent}-${control ? 'c' : ''}${attempt}`,
    model: 'm',
    control,
    passed,
    calls: 1,
    credits: 0.1,
    sharedCalls: 0,
    lastTurn: 5,
  });
  const three = (agent: string, turn: number, changedPasses: number): ForkOutcome[] =>
    [1, 2, 3].flatMap((attempt) => [fork(agent, turn, false, attempt <= changedPasses, attempt), fork(agent, turn, true, false, attempt)]);

  it('a decisive step among calls that change nothing puts its agent first, though the agent pooled passes less often than another', () => {
    // x: one step that passes 3 of 3 and four that never do (pooled 3 of 15); y: two steps of 2 of 3 (pooled 4 of 6).
    const steps = [1, 2, 3, 4, 5].map((turn) => ({ turn, agent: 'x' })).concat([1, 2].map((turn) => ({ turn, agent: 'y' })));
    const outcomes = [...three('x', 1, 3), ...[2, 3, 4, 5].flatMap((turn) => three('x', turn, 0)), ...three('y', 1, 2), ...three('y', 2, 2)];
    const { steps: ranked, agents } = rankBlame(steps, outcomes);
    expect(ranked[0]).toMatchObject({ turn: 1, agent: 'x', passed: 3, effect: 1, verdict: 'unclear' });
    // Fisher 3 of 3 against 0 of 3: the least p three forks a side can reach, 0.1.
    expect(ranked[0]!.p).toBeCloseTo(0.1, 10);
    expect(agents.map((agent) => agent.agent)).toEqual(['x', 'y']);
    expect(agents[0]).toMatchObject({ agent: 'x', steps: 5, forks: 15, passed: 3, best: { rank: 1, turn: 1, passed: 3, forks: 3, effect: 1 }, control: { forks: 15, passed: 0 } });
    expect(agents[1]).toMatchObject({ agent: 'y', steps: 2, forks: 6, passed: 4, best: { rank: 2 } });
    // Pooled, y stands above x: what the old ranking of agents went by.
    expect(agents[1]!.rate).toBeGreaterThan(agents[0]!.rate);
  });
});
