import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blameRun } from '../../src/blame/blame-run.js';
import { readForkOrigin } from '../../src/history/fork-org.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import { CHECK, CULPRIT, failedRun, failingSeed, scriptedModels } from './blame-org.js';

const K = 3;

/** Blame with the scripted model (`k` tries and `controls` controls a step), keeping every call each fork made, by fork. */
async function blame(root: string, seed: number, controls = K, k = K) {
  const calls = new Map<string, ProviderRequest[]>();
  const report = await blameRun(root, {
    check: CHECK,
    k,
    seed,
    controls,
    providerFactory: (fork) => {
      const made: ProviderRequest[] = [];
      calls.set(fork, made);
      return scriptedModels(made);
    },
  });
  return { report, calls };
}

describe('lemming blame on a run whose failure one known step made', () => {
  // Four trials, not ten: how often a ranking finds its culprit is held on many seeded trials by
  // fork-allocation.test.ts (a simulated run, no engine) and injected-fault.test.ts (real forks);
  // these hold that the forks this ranking reads are what the engine made.
  it('ranks the culprit (b, turn 4) first among 20 candidate steps in each of 4 seeded trials, and spends no call on shared turns', async () => {
    let first = 0;
    for (let trial = 0; trial < 4; trial += 1) {
      const original: ProviderRequest[] = [];
      const root = await failedRun(failingSeed(1000 * trial), original);
      expect(original).toHaveLength(20);
      // K controls a step in the first trial (what they show does not change with the seed: the
      // scripted model repeats a call exactly); the ranking alone in the other three, at half the forks.
      const controls = trial < 1 ? K : 0;
      const { report, calls } = await blame(root, trial + 1, controls);
      expect(report.steps).toHaveLength(20);
      expect(report.forks).toHaveLength(20 * (K + controls));
      if (controls > 0) {
        // No control passes, so each step's effect is its pass rate.
        expect(report.forks.filter((fork) => fork.control).every((fork) => !fork.passed)).toBe(true);
        // At K = 3 a side Fisher's p is at least 0.1: no step is called an effect, the culprit at best "unclear".
        expect(report.steps.every((step) => step.verdict !== 'effect' && (step.p ?? 0) > 0.1 - 1e-9)).toBe(true);
      }
      const [top, second] = report.steps;
      if (top!.turn === CULPRIT.turn && top!.agent === CULPRIT.agent && top!.rate > second!.rate) first += 1;

      // No fork called a model for a turn before its step: those turns are copied from the history.
      expect(report.spent.sharedCalls).toBe(0);
      for (const fork of report.forks) {
        const made = calls.get(join(report.folder, fork.fork)) ?? [];
        expect(made.length).toBe(fork.calls);
        expect(made.every((request) => request.turn >= fork.turn)).toBe(true);
      }
      // The calls it says it spent are the calls the model was asked.
      const asked = [...calls.values()].reduce((sum, made) => sum + made.length, 0);
      expect(report.spent.calls).toBe(asked);
      // A fork of step (turn t) re-runs the original's calls from turn t on, as the estimate said.
      expect(report.spent.calls).toBe(report.estimate.calls);
      // Each trial's forks removed as it ends: left to the after-test hook, the trials' hundreds of fork folders took it past its timeout on a loaded machine.
      rmSync(root, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
    }
    expect(first).toBe(4);
  }, 900_000);

  it('says what it would cost with dryRun and forks nothing; each fork is an ordinary org with its change in its files', async () => {
    const calls: ProviderRequest[] = [];
    const root = await failedRun(failingSeed(7));
    const dry = await blameRun(root, { check: CHECK, k: 2, controls: 0, dryRun: true, providerFactory: () => scriptedModels(calls) });
    // Steps at turn t re-run the calls of turns t..5 (4 a turn): 4·(20+16+12+8+4) = 240 a try, two tries.
    expect(dry.estimate).toMatchObject({ steps: 20, forks: 40, calls: 480, sharedCalls: 320 });
    // With controls (default: k) each step's two controls cost what its two tries do.
    const controlled = await blameRun(root, { check: CHECK, k: 2, dryRun: true, providerFactory: () => scriptedModels(calls) });
    expect(controlled.estimate).toMatchObject({ steps: 20, forks: 80, controls: 40, calls: 960, sharedCalls: 640 });
    expect(controlled.worstCase.forks).toBe(80);
    expect(calls).toHaveLength(0);
    expect(existsSync(join(root, 'blame'))).toBe(false);

    // One try a step and no control: what follows reads one fork, a run again and a fork made again, none of which
    // depends on how many forks a step has (the first test holds K tries and K controls a step); 20 forks, not 120.
    const { report } = await blame(root, 3, 0, 1);
    const fork = join(report.folder, 't4-b-1');
    expect(readForkOrigin(fork)).toMatchObject({ from: root, turn: 3 });
    const org = loadOrg(fork).org;
    // The step's call ran on a copy of its model with the fork's seed; its own model is back in its resume.
    expect(org.models['scripted-blame']?.seed).toBe(report.forks.find((outcome) => outcome.fork === 't4-b-1')!.seed);
    expect(org.agents.get('b')?.models).toEqual(['scripted']);
    expect(readdirSync(join(fork, 'agents/b/outbox')).length).toBeGreaterThan(0);
    expect(readFileSync(join(report.folder, 'report.md'), 'utf8')).toContain('| 1 | ');
    expect(JSON.parse(readFileSync(join(report.folder, 'report.json'), 'utf8')).steps).toHaveLength(20);

    // Run again: every fork is done, so nothing is asked again.
    const again = await blame(root, 3, 0, 1);
    expect([...again.calls.values()].flat()).toHaveLength(0);
    expect(again.report.steps).toEqual(report.steps);

    // A kill while a fork was being made leaves it without its result, and maybe without the file that
    // says where it came from (written late in the copy): its marker says it is blame's, and it is made again.
    rmSync(join(fork, 'blame-fork.json'));
    rmSync(join(fork, 'org/state/forked-from.json'));
    writeFileSync(join(report.folder, '.t4-b-1.making'), '');
    const remade = await blame(root, 3, 0, 1);
    expect([...remade.calls.values()].flat().length).toBeGreaterThan(0);
    expect(remade.report.steps).toEqual(report.steps);
    expect(existsSync(join(report.folder, '.t4-b-1.making'))).toBe(false);
  }, 300_000);

  it('refuses, before any fork, a run that passes the check and one that keeps no history, saying what to do', async () => {
    const calls: ProviderRequest[] = [];
    const root = await failedRun(failingSeed(7));
    const passing = { name: 'answered', run: 'test -s "$SHARED/answer.md"' };
    await expect(blameRun(root, { check: passing, providerFactory: () => scriptedModels(calls) })).rejects.toThrow(/passes check "answered".*give a run that fails it/);
    rmSync(join(root, 'org/state/history.git'), { recursive: true, force: true });
    await expect(blameRun(root, { check: CHECK, providerFactory: () => scriptedModels(calls) })).rejects.toThrow(/keeps no history.*`history: \{ keep: true \}` to its org\/org.yaml/);
    expect(calls).toHaveLength(0);
    expect(existsSync(join(root, 'blame'))).toBe(false);
  });
});
