import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blameRun } from '../../src/blame/blame-run.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import { failedRelay, RELAY_CHECK, relayModels } from './relay-org.js';

// The seeded relay: a's turn-1 note is WRONG under the run's seed and RIGHT under any other; b passes on what it was handed.
describe('blame spends its forks by a strategy', () => {
  it('bisect: the run as it was fails, every call from turn 1 changed passes, from turn 2 fails: turn 1, then its steps one by one', async () => {
    const root = await failedRelay('seeded');
    const dry = await blameRun(root, { check: RELAY_CHECK, k: 1, controls: 1, strategy: 'bisect', dryRun: true, providerFactory: () => relayModels('seeded') });
    // Its own worst case (1 unchanged, 2 probes, 2 turns' steps × 2) beside the per-step search it may fall back to (2 steps × 2).
    expect(dry.worstCase.own!.forks).toBe(1 + 2 + 4);
    expect(dry.worstCase.forks).toBe(1 + 2 + 4 + 4);
    expect(dry.ceiling.credits).toBe(dry.worstCase.credits);

    const calls: ProviderRequest[] = [];
    const report = await blameRun(root, { check: RELAY_CHECK, k: 1, controls: 1, strategy: 'bisect', providerFactory: () => relayModels('seeded', { calls }) });
    expect(report.search!.bisection).toMatchObject({ turn: 1, probes: [{ turn: null, forks: 1, passed: 0 }, { turn: 1, forks: 1, passed: 1 }, { turn: 2, forks: 1, passed: 0 }] });
    expect(report.search!.ran).toBe('bisect');
    expect(report.probes.map((probe) => probe.fork)).toEqual(['from-t1-1', 'from-t2-1']);
    expect(report.steps[0]).toMatchObject({ turn: 1, agent: 'a', passed: 1, forks: 1, control: { passed: 0, forks: 1 } });
    // Every fork the report counts, probes included, is a call the model was asked.
    expect(report.spent.forks).toBe(report.forks.length + report.probes.length);
    expect(calls).toHaveLength(report.spent.calls);
    expect(readFileSync(join(report.folder, 'report.md'), 'utf8')).toContain('Bisection over turns found turn 1 (probes: as it was 0/1, from turn 1 1/1, from turn 2 0/1)');
  }, 120_000);

  it('adaptive: a first pass, then the leader and its contender until the budget; controls for the steps it ranks first', async () => {
    const root = await failedRelay('seeded');
    const report = await blameRun(root, { check: RELAY_CHECK, k: 1, controls: 1, strategy: 'adaptive', firstPass: 1, budget: 2, providerFactory: () => relayModels('seeded') });
    expect(report).toMatchObject({ strategy: 'adaptive', budget: 2, firstPass: 1 });
    expect(report.search!.allocation).toMatchObject({ state: 'budget-spent', leader: 0, contenders: 1 });
    expect(report.steps.map((step) => [step.turn, step.agent, step.passed, step.forks, step.control?.forks])).toEqual([
      [1, 'a', 1, 1, 1],
      [2, 'b', 0, 1, 1],
    ]);
    expect(readFileSync(join(report.folder, 'report.md'), 'utf8')).toContain('Adaptive allocation, 1 round(s): the leader is not separated when the budget was spent (1 step(s) still overlap it)');
  }, 120_000);
});
