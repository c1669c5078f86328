import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blameRun } from '../../src/blame/blame-run.js';
import { blameCommand } from '../../src/cli/commands/blame.js';
import { readExperiment } from '../../src/experiment/experiment-file.js';
import { prepareRun } from '../../src/experiment/prepare-run.js';
import { readLedgerFrom } from '../../src/engine/money/ledger.js';
import { statePaths } from '../../src/engine/record/state-paths.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import { runEngine, tempDir } from '../helpers/temp-org.js';
import { askA, FINISH_TURN, LOOP_CHECK, loopModels, loopOrg, ORIGINAL_SEED, startedMark } from './loop-org.js';

/** Blame with the loop org's model, keeping every call each fork made, by fork. */
async function blame(root: string, options: { k: number; controls?: number; seed?: number; maxCredits?: number; always?: 'LOOP' }) {
  const calls = new Map<string, ProviderRequest[]>();
  const report = await blameRun(root, {
    check: LOOP_CHECK,
    k: options.k,
    ...(options.controls === undefined ? {} : { controls: options.controls }),
    seed: options.seed ?? 1,
    ...(options.maxCredits === undefined ? {} : { maxCredits: options.maxCredits }),
    providerFactory: (fork) => {
      const made: ProviderRequest[] = [];
      calls.set(fork, made);
      return loopModels(made, options.always);
    },
  });
  return { report, calls };
}

/** What a fork's ledger charged from `turn` on: credits, read as blame reads them. */
function charged(fork: string, turn: number): number {
  return readLedgerFrom(statePaths(fork).ledger, 0)
    .entries.filter((entry) => entry.type === 'charge' && entry.turn >= turn)
    .reduce((sum, entry) => sum + (entry.type === 'charge' ? entry.credits : 0), 0);
}

describe('blame on a run whose changed call starts a loop', () => {
  it('spends no more than --max-credits: it starts no fork that could pass it, and the report says how many it left and why', async () => {
    // A plain run under engine.max_turns 10: a answers the human in turn 1 (one call, 0.37 credits), and the run fails the check.
    const root = loopOrg(10);
    askA(root);
    await runEngine(root, {}, { providerFactory: loopModels() });
    // Each fork of a's turn-1 call loops a and b until the run's bound, turn 10: 10 calls, 3.7 credits. Its worst case: 10 turns × 2 agents
    // × 0.44 (4,000 tokens in and 400 out at 100 a million) = 8.8. Under a ceiling of 18 a fork starts while what the forks before it
    // spent leaves room for 8.8 more: after 0, 3.7 and 7.4 credits, not after 11.1. Unbounded, the six forks spent 24.4 (11 turns each).
    // No controls here (the ceiling with them is below).
    const { report, calls } = await blame(root, { k: 6, controls: 0, maxCredits: 18, always: 'LOOP' });
    expect(report.ceiling).toMatchObject({ credits: 18, given: true });
    expect(report.spent.credits).toBeLessThanOrEqual(18);
    expect(report.forks).toHaveLength(3);
    expect(report.notRun).toEqual(['t1-a-4', 't1-a-5', 't1-a-6']);
    // What it says it spent is what the forks' ledgers charged, and what the models were asked.
    const ledgers = report.forks.reduce((sum, fork) => sum + charged(join(report.folder, fork.fork), fork.turn), 0);
    expect(report.spent.credits).toBeCloseTo(ledgers, 6);
    expect([...calls.values()].flat()).toHaveLength(report.spent.calls);
    for (const fork of report.forks) expect(fork.lastTurn).toBe(10);
    const markdown = readFileSync(join(report.folder, 'report.md'), 'utf8');
    expect(markdown).toContain('3 fork(s) not run (t1-a-4, t1-a-5, t1-a-6)');
    expect(markdown).toMatch(/could have taken the spending past the ceiling of 18(\.0+)? credits/);

    // Blamed again into the same folder, the finished forks are not made again and what their ledgers charged still counts,
    // whatever their saved results say: 11.1 spent leaves no room for another fork's 8.8.
    for (const fork of report.forks) {
      const saved = join(report.folder, fork.fork, 'blame-fork.json');
      writeFileSync(saved, JSON.stringify({ ...JSON.parse(readFileSync(saved, 'utf8')), credits: 0 }));
    }
    const again = await blame(root, { k: 6, controls: 0, maxCredits: 18, always: 'LOOP' });
    expect([...again.calls.values()].flat()).toHaveLength(0);
    expect(again.report.notRun).toEqual(['t1-a-4', 't1-a-5', 't1-a-6']);

    // Forks at once hold their worst cases while they run: three at a time under the same ceiling still stay within it.
    const parallel = await blameRun(root, { check: LOOP_CHECK, k: 6, controls: 0, maxCredits: 18, parallel: 3, folder: join(root, 'parallel'), providerFactory: () => loopModels([], 'LOOP') });
    expect(parallel.spent.credits).toBeLessThanOrEqual(18);
    expect(parallel.notRun.length).toBeGreaterThanOrEqual(3);

    // Controls are forks under the same ceiling, a try and a control in turn: a control's worst case is a fork's (8.8), and it spends
    // what the run's call did (a answers at once: 0.37). After t1-a-1, -c1, -2, -c2 and -3 (11.84 spent) nothing more fits.
    const controlled = await blameRun(root, { check: LOOP_CHECK, k: 6, maxCredits: 18, folder: join(root, 'controlled'), providerFactory: () => loopModels([], 'LOOP') });
    expect(controlled.spent.credits).toBeLessThanOrEqual(18);
    expect(controlled.forks.map((fork) => fork.fork)).toEqual(['t1-a-1', 't1-a-c1', 't1-a-2', 't1-a-c2', 't1-a-3']);
    expect(controlled.notRun).toEqual(['t1-a-c3', 't1-a-4', 't1-a-c4', 't1-a-5', 't1-a-c5', 't1-a-6', 't1-a-c6']);
    expect(controlled.steps[0]).toMatchObject({ forks: 3, passed: 0, control: { forks: 2, passed: 0 }, verdict: 'none' });
  }, 120_000);

  it("states a worst case on --dry-run that the blame's own spending stays within, and a fork stops at the run's bound, not at the org's max_turns after its step", async () => {
    const root = loopOrg(10);
    askA(root);
    await runEngine(root, {}, { providerFactory: loopModels() });
    const dry = await blameRun(root, { check: LOOP_CHECK, k: 3, dryRun: true, providerFactory: () => loopModels() });
    // 3 changed forks and 3 controls (controls default to k), each re-running the run's one call.
    expect(dry.estimate).toMatchObject({ forks: 6, controls: 3 });
    expect(dry.estimate.calls).toBe(6);
    // 6 forks × 10 turns × 2 agents, each call at most 0.44 credits: the controls are in the worst case and the ceiling.
    expect(dry.worstCase).toMatchObject({ forks: 6, calls: 120 });
    expect(dry.worstCase.credits).toBeCloseTo(52.8, 6);
    expect(dry.ceiling).toMatchObject({ credits: dry.worstCase.credits, given: false });
    const { report } = await blame(root, { k: 3, always: 'LOOP' });
    expect(report.notRun).toHaveLength(0);
    // 3 changed forks of 10 calls, 3 controls of the run's 1.
    expect(report.spent.calls).toBe(33);
    expect(report.spent.credits).toBeLessThanOrEqual(dry.worstCase.credits);
    for (const fork of report.forks.filter((fork) => !fork.control)) expect(fork.lastTurn).toBe(10);
  }, 120_000);

  it('a fork of an experiment run made with `turns: 4` ends by the run\'s own end condition at turn 4: a longer right path is taken, a loop is stopped there', async () => {
    const base = loopOrg(12);
    const folder = tempDir();
    const file = join(folder, 'study.yaml');
    writeFileSync(
      file,
      [
        'name: study',
        'turns: 4',
        `seed: ${ORIGINAL_SEED}`,
        'messages: [{ to: a, subject: Check, body: Please get this checked. }]',
        `checks: [{ name: ${LOOP_CHECK.name}, run: '${LOOP_CHECK.run}' }]`,
        'variants: [{ name: baseline }]',
        '',
      ].join('\n'),
    );
    const experiment = readExperiment(file, () => base);
    const root = join(folder, 'baseline-r1');
    await prepareRun(experiment, base, experiment.variants[0]!, root, ORIGINAL_SEED);
    // The experiment's process runs it as `lemming run --turns 4`: a answers at once, idle after turn 1.
    const original = await runEngine(root, { maxTurns: 4 }, { providerFactory: loopModels() });
    expect(original.at(-1)).toMatchObject({ type: 'run-finished', reason: 'idle', lastTurn: 1 });

    const { report } = await blame(root, { k: 6, seed: 2 });
    expect(report.bounds).toMatchObject({ lastTurn: 4 });
    // Six changed forks and six controls (the call as it was: a answers at once, and the control fails as the run did).
    expect(report.forks).toHaveLength(12);
    const changed = report.forks.filter((fork) => !fork.control);
    expect(changed).toHaveLength(6);
    for (const control of report.forks.filter((fork) => fork.control)) expect(control).toMatchObject({ seed: ORIGINAL_SEED, passed: false, lastTurn: 1, calls: 1 });
    const marks = changed.map((fork) => startedMark(fork.seed!));
    expect(marks).toContain('LOOP');
    expect(marks).toContain('FINISH');
    for (const fork of changed) {
      // Never past the run's turn 4 (the org's max_turns after the step would be turn 13), never cut at the original's turn 1.
      expect(fork.lastTurn).toBe(FINISH_TURN);
      expect(fork.calls).toBe(4);
      expect(fork.passed).toBe(startedMark(fork.seed!) === 'FINISH');
    }

    // --dry-run prints the worst case beside the estimate: 6 forks × 4 turns × 2 agents × 0.44.
    const lines: string[] = [];
    await blameCommand(root, { check: LOOP_CHECK.name, checks: file, k: 6, seed: 2, dryRun: true }, { out: (line) => lines.push(line), err: (line) => lines.push(line) });
    // With its 6 controls (one call each, as the run): 12 calls and 2.22 + 6 × 0.37 credits; 12 forks × 4 turns × 2 agents × 0.44.
    expect(lines.join('\n')).toMatch(/about 12 call\(s\) and 4\.4400 credits.*\n?.*At most 96 call\(s\) and 42\.24 credits/s);
    expect(lines.join('\n')).toContain('turn 4');
  }, 120_000);
});
