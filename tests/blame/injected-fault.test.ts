import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blameRun } from '../../src/blame/blame-run.js';
import { runChecks } from '../../src/experiment/run-checks.js';
import { faultyRun, FAULT_KINDS, holderAt, ringCheck, ringModels, type RingSettings } from '../../bench/fault-org.js';
import { tempDir } from '../helpers/temp-org.js';

const ring: RingSettings = { agents: 3, turns: 4, seed: 5, noise: 0, culpritFix: 1 };
const check = ringCheck(ring.turns);

describe('a fault injected into a run that passes, and blamed', () => {
  it('the ring passes without a fault and fails with each kind injected at r1 in turn 2', async () => {
    const clean = tempDir();
    await faultyRun(clean, ring);
    expect((await runChecks(clean, [check]))[0]!.passed).toBe(true);
    for (const kind of FAULT_KINDS) {
      const root = tempDir();
      await faultyRun(root, ring, { kind, agent: holderAt(2, ring.agents), turn: 2 });
      expect({ kind, passed: (await runChecks(root, [check]))[0]!.passed }).toEqual({ kind, passed: false });
    }
  }, 60_000);

  it('blame names the faulty step and agent first, its control failing as the run did', async () => {
    const root = tempDir();
    const fault = { kind: 'wrong-value' as const, agent: holderAt(2, ring.agents), turn: 2 };
    await faultyRun(root, ring, fault);
    const report = await blameRun(root, { check, k: 1, controls: 1, folder: join(root, 'blamed'), providerFactory: () => ringModels(ring, fault) });
    expect(report.steps.map((step) => `${step.turn} ${step.agent}`)).toEqual(['2 r1', '1 r0', '3 r2', '4 r0']);
    expect(report.steps[0]).toMatchObject({ passed: 1, forks: 1, control: { passed: 0, forks: 1 }, effect: 1 });
    expect(report.agents[0]!.agent).toBe('r1');
  }, 60_000);
});
