import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blameRun } from '../../src/blame/blame-run.js';
import { runCalls } from '../../src/blame/candidate-steps.js';
import { runChecks } from '../../src/experiment/run-checks.js';
import { faultyRun, FAULT_KINDS, REPAIR_MODEL, ringCheck, ringModels, type Fault, type RingSettings } from '../../bench/fault-org.js';
import { firstDifference, lastToAct } from '../../bench/log-baselines.js';
import { aboveReadings, empty, score } from '../../bench/sections/blame-injected.js';
import { tempDir } from '../helpers/temp-org.js';

// 4 agents handing 2 notes on at once for 3 hops: 2 calls a turn (1 where both notes meet at one agent).
const ring: RingSettings = { agents: 4, lanes: 2, turns: 3, seed: 5, noise: 0, culpritFix: 1 };
const check = ringCheck(ring);

/** The fault-free run, and the call of its turn 2 a fault is put at (the last by name: not the first call of the turn). */
async function cleanRun(): Promise<{ root: string; at: { turn: number; agent: string } }> {
  const root = tempDir();
  await faultyRun(root, ring);
  const { turn, agent } = runCalls(root).calls.filter((call) => call.turn === 2).at(-1)!;
  return { root, at: { turn, agent } };
}

describe('a fault injected into a run that passes, and blamed', () => {
  it('the ring passes without a fault, makes several calls a turn, and fails with each kind injected at a call of turn 2', async () => {
    const { root, at } = await cleanRun();
    expect((await runChecks(root, [check]))[0]!.passed).toBe(true);
    expect(runCalls(root).calls.filter((call) => call.turn === 2).length).toBeGreaterThanOrEqual(2);
    for (const kind of FAULT_KINDS) {
      const faulty = tempDir();
      await faultyRun(faulty, ring, { kind, ...at, fixedBy: 'reseed' });
      expect({ kind, passed: (await runChecks(faulty, [check]))[0]!.passed }).toEqual({ kind, passed: false });
    }
    // A repeat under another seed routes the notes otherwise and passes too.
    const repeat = tempDir();
    await faultyRun(repeat, { ...ring, seed: 6 });
    expect((await runChecks(repeat, [check]))[0]!.passed).toBe(true);
  }, 120_000);

  it('blame names the faulty step and agent first, its control failing as the run did; reading the files beside it', async () => {
    const { root: twin, at } = await cleanRun();
    const root = tempDir();
    const fault: Fault = { kind: 'wrong-value', ...at, fixedBy: 'reseed' };
    await faultyRun(root, ring, fault);
    const report = await blameRun(root, { check, k: 1, controls: 1, folder: join(root, 'blamed'), providerFactory: () => ringModels(ring, fault) });
    expect(report.steps[0]).toMatchObject({ turn: at.turn, agent: at.agent, passed: 1, forks: 1, control: { passed: 0, forks: 1 }, effect: 1 });
    expect(report.agents[0]!.agent).toBe(at.agent);
    // The first call whose messages differ from the fault-free twin's is the faulty one; the last to act is the run's last call.
    expect(firstDifference(root, twin)).toEqual(at);
    expect(lastToAct(root)).toEqual({ turn: 3, agent: runCalls(root).calls.filter((call) => call.turn === 3).at(-1)!.agent });

    // The bench's row (blame-injected) is held to naming the faulty step first more often than the
    // readings of the files a user can make: met by this blame, and not by one that named its second step.
    const repeat = tempDir();
    await faultyRun(repeat, { ...ring, seed: 6 });
    const readings = [empty(), empty()];
    score(readings[0]!, fault, lastToAct(root));
    score(readings[1]!, fault, firstDifference(root, repeat));
    const [named, wrong] = [empty(), empty()];
    score(named, fault, report.steps[0]);
    score(wrong, fault, report.steps[1]);
    expect(aboveReadings(named, readings).met).toBe(true);
    expect(aboveReadings(wrong, readings).met).toBe(false);
  }, 120_000);

  it('a defect of the model no seed undoes: other seeds fail at the faulty step as its control does; the repair model passes there', async () => {
    const { at } = await cleanRun();
    const root = tempDir();
    const fault: Fault = { kind: 'dropped', ...at, fixedBy: 'repair' };
    await faultyRun(root, ring, fault);
    const step = (report: Awaited<ReturnType<typeof blameRun>>) => report.steps.find((each) => each.turn === at.turn && each.agent === at.agent)!;
    const reseeded = await blameRun(root, { check, k: 2, controls: 1, folder: join(root, 'reseeded'), providerFactory: () => ringModels(ring, fault) });
    expect(step(reseeded)).toMatchObject({ passed: 0, forks: 2 });
    const repaired = await blameRun(root, { check, k: 2, controls: 1, model: REPAIR_MODEL, folder: join(root, 'repaired'), providerFactory: () => ringModels(ring, fault) });
    expect(step(repaired)).toMatchObject({ passed: 2, forks: 2, control: { passed: 0 } });
    expect(repaired.steps[0]).toMatchObject({ turn: at.turn, agent: at.agent });
    expect(repaired.forks.filter((fork) => !fork.control).every((fork) => fork.called === `${REPAIR_MODEL}-blame`)).toBe(true);
  }, 180_000);
});
