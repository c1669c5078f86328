import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { acquireLock } from '../../src/engine/record/lock.js';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { messageFiles } from '../helpers/org-snapshot.js';
import { defaultOrg, listOutbox } from '../helpers/temp-org.js';
import { startWatched } from '../helpers/watched-process.js';

const STUDY = `name: study
turns: 20
parallel: 2
repeats: 2
messages:
  - to: manager
    subject: Release notes
    body: Please get the release notes for version 2 written and checked.
variants:
  - name: baseline
  - name: tight-manager
    resumes:
      manager: { credits: 0.004 }
  - name: no-planner
    chart:
      manager: { send_to: [human, hr, janitor] }
`;

interface Report {
  variants: Array<{ variant: string; runs: number; idle: number; held: number; turnsToIdle: number | null; messages: number; credits: number; humanAnswered: number; humanAnswerTurn: number | null; creditsByAgent: Record<string, number> }>;
  runs: Array<{ run: string; ended: string; heldBy?: string[]; messages: number; credits: number; creditsByModel: Record<string, number> }>;
}

function readReport(root: string, experiment = 'study'): Report {
  return JSON.parse(readFileSync(join(root, 'experiments', experiment, 'report.json'), 'utf8')) as Report;
}

describe('lemming experiment', () => {
  test('3 variants × 2 repeats on the default org: each run in its own copy, and a report that compares them', { timeout: 120_000 }, async () => {
    const root = defaultOrg();
    writeFileSync(join(root, 'study.yaml'), STUDY);
    const result = await lemmingAsync(root, ['experiment', join(root, 'study.yaml')]);
    expect(result.stderr).toMatch(/baseline-r1: idle after turn 5, 5 message\(s\)/);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('6 run(s) complete; report: ');

    const runs = ['baseline-r1', 'baseline-r2', 'tight-manager-r1', 'tight-manager-r2', 'no-planner-r1', 'no-planner-r2'];
    for (const run of runs) expect(existsSync(join(root, 'experiments/study', run, 'org/org.yaml'))).toBe(true);
    // The base org is untouched: the runs wrote only into their copies.
    expect(listOutbox(root, 'manager')).toEqual([]);
    // The variants changed what they said they would, in their copies only.
    expect(readFileSync(join(root, 'experiments/study/tight-manager-r1/agents/manager/resume.md'), 'utf8')).toMatch(/^credits: 0\.004$/m);
    expect(readFileSync(join(root, 'experiments/study/no-planner-r1/org/chart.yaml'), 'utf8')).toMatch(/send_to:\n\s+- human\n\s+- hr\n\s+- janitor/);
    // Repeats of a deterministic model write the same messages.
    const first = messageFiles(join(root, 'experiments/study/baseline-r1'));
    expect(Object.keys(first).length).toBeGreaterThan(0);
    expect(messageFiles(join(root, 'experiments/study/baseline-r2'))).toEqual(first);

    const report = readReport(root);
    expect(report.runs.map((run) => run.run)).toEqual(runs);
    const byName = Object.fromEntries(report.variants.map((variant) => [variant.variant, variant]));
    // The manager hands the work to the planner and, five turns later, answers the human.
    expect(byName.baseline).toMatchObject({ runs: 2, idle: 2, turnsToIdle: 5, messages: 5, humanAnswered: 2, humanAnswerTurn: 5 });
    expect(byName.baseline?.creditsByAgent.planner).toBeGreaterThan(0);
    // Without credits for the call, the manager is never called: nothing is spent and the human hears nothing.
    expect(byName['tight-manager']).toMatchObject({ runs: 2, messages: 0, credits: 0, humanAnswered: 0, humanAnswerTurn: null });
    // Its runs did not fall idle: the manager's mail was left, held by its credits. Before, they read idle, 2/2 in 1 turn.
    expect(byName['tight-manager']).toMatchObject({ idle: 0, held: 2, turnsToIdle: null });
    expect(report.runs.filter((run) => run.run.startsWith('tight-manager')).map((run) => [run.ended, run.heldBy])).toEqual([['held', ['budget']], ['held', ['budget']]]);
    // Without the planner the manager hands the work elsewhere, the planner spends nothing, and the answer comes sooner.
    expect(byName['no-planner']?.creditsByAgent.planner ?? 0).toBe(0);
    expect(byName['no-planner']?.humanAnswerTurn).toBeLessThan(5);
    expect(byName['no-planner']?.credits).toBeLessThan(byName.baseline?.credits ?? 0);
    for (const run of report.runs) expect(Object.keys(run.creditsByModel).every((model) => model === 'offline')).toBe(true);

    const markdown = readFileSync(join(root, 'experiments/study/report.md'), 'utf8');
    expect(markdown).toContain('| variant | runs | idle | held | turns to idle | messages | refusals | errors | credits | human answered | answer in turn | wall time |');
    expect(markdown).toMatch(/\| baseline \| 2 \| 2\/2 \| 0\/2 \| 5 \| 5 \| 0 \| 0 \| [\d.]+ \| 2\/2 \| 5 \| [\d.]+ s \|/);
    expect(markdown).toContain('![credits, messages and turns to idle by variant](report.svg)');
    const chart = readFileSync(join(root, 'experiments/study/report.svg'), 'utf8');
    expect(chart).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    for (const variant of ['baseline', 'tight-manager', 'no-planner']) expect(chart).toContain(`>${variant}</text>`);
    // Each panel's axis has its unit and starts at zero; the spec it was drawn from is beside it.
    for (const unit of ['credits', 'messages', 'turns']) expect(chart).toMatch(new RegExp(`X-axis titled '${unit}' for a linear scale with values from 0(\\.0+)? to`));
    expect(JSON.parse(readFileSync(join(root, 'experiments/study/report.vl.json'), 'utf8')).vconcat).toHaveLength(3);

    // Run again: everything is complete, nothing runs, the report is the same.
    const again = lemming(root, ['experiment', join(root, 'study.yaml')]);
    expect(again.status).toBe(0);
    expect(again.stderr).toContain(`already complete, not run again: ${runs.join(', ')}`);
    expect(again.stderr).not.toMatch(/running/);
    expect(readReport(root).runs).toEqual(report.runs);
  });

  test('a killed experiment resumes: complete runs are skipped, the rest run, and the report has them all', { timeout: 120_000 }, async () => {
    const root = defaultOrg();
    writeFileSync(join(root, 'study.yaml'), STUDY.replace('parallel: 2', 'parallel: 1'));
    const killed = startWatched(root, ['experiment', join(root, 'study.yaml')]);
    await killed.waitFor(/baseline-r1: idle after turn/);
    await killed.stop('SIGKILL');
    expect(existsSync(join(root, 'experiments/study/report.json'))).toBe(false);

    const resumed = await lemmingAsync(root, ['experiment', join(root, 'study.yaml')]);
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toMatch(/already complete, not run again: baseline-r1/);
    const report = readReport(root);
    expect(report.runs).toHaveLength(6);
    // A run the kill cut off (if it had started) was finished by its engine: it ends as its repeat did.
    expect(report.runs.find((run) => run.run === 'baseline-r2')).toMatchObject({ ended: 'idle', messages: 5 });
    expect(messageFiles(join(root, 'experiments/study/baseline-r2'))).toEqual(messageFiles(join(root, 'experiments/study/baseline-r1')));
  });

  test('a run still held by an engine from an earlier start is waited for, not failed', { timeout: 120_000 }, async () => {
    const root = defaultOrg();
    writeFileSync(join(root, 'small.yaml'), 'name: small\nmessages:\n  - to: manager\n    body: Please plan the release.\nvariants:\n  - name: baseline\n');
    expect(lemming(root, ['experiment', join(root, 'small.yaml')]).status).toBe(0);
    const run = join(root, 'experiments/small/baseline');
    // As a killed experiment leaves it: the run not yet complete, and its engine still at work on it.
    rmSync(join(run, 'experiment-result.json'));
    const earlier = acquireLock(run, 'run');
    const resumed = startWatched(root, ['experiment', join(root, 'small.yaml')]);
    try {
      await resumed.waitFor(new RegExp(`baseline: waiting for process ${process.pid} \\(\`lemming run\`, since [^)]+\\), still at work on it from an earlier start, to stop`));
      expect(resumed.output()).not.toMatch(/did not finish|another engine/);
    } finally {
      earlier.release();
    }
    expect(await resumed.exited()).toBe(0);
    expect(resumed.output()).toMatch(/baseline: idle after turn 5, 5 message\(s\)/);
    expect(readReport(root, 'small').runs.map((each) => each.run)).toEqual(['baseline']);
  });

  test('a broken experiment file is refused before anything runs, naming the file, the field and a valid value', () => {
    const root = defaultOrg();
    writeFileSync(join(root, 'bad.yaml'), 'name: Bad Name\nvariants:\n  - name: a\n    repeats: 0\n');
    const result = lemming(root, ['experiment', join(root, 'bad.yaml')]);
    // Every problem of the file said, and no advice to run `lemming validate`, which reads the org and not this file.
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/bad\.yaml:1: name: is not a valid experiment name; an experiment name is lowercase letters, digits, "_" or "-"/);
    expect(result.stderr).toMatch(/bad\.yaml:4: variants\.0\.repeats: /);
    expect(result.stderr).not.toContain('lemming validate');
    const problems = Array.from({ length: 12 }, (_, index) => `  - name: v${index}\n    repeats: 0\n`).join('');
    writeFileSync(join(root, 'many.yaml'), `name: many\nmessages: [{ to: manager, body: hi }]\nvariants:\n${problems}`);
    const many = lemming(root, ['experiment', join(root, 'many.yaml')]);
    expect(many.status).toBe(1);
    expect(many.stderr.match(/variants\.\d+\.repeats: /g)).toHaveLength(12);
    writeFileSync(join(root, 'wrong.yaml'), 'name: wrong\nmessages: [{ to: nobody, body: hi }]\nvariants:\n  - name: a\n');
    const wrong = lemming(root, ['experiment', join(root, 'wrong.yaml')]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/wrong\.yaml: variant "a": the opening message to "nobody": /);
    expect(existsSync(join(root, 'experiments/wrong/report.json'))).toBe(false);
    // A judge must be a model of the registry; a check needs a name and a command.
    writeFileSync(join(root, 'judged.yaml'), 'name: judged\nmessages: [{ to: manager, body: hi }]\njudge: { model: gpt-9, rubric: [clear] }\nchecks: [{ name: Has Answer }]\nvariants:\n  - name: a\n');
    const judged = lemming(root, ['experiment', join(root, 'judged.yaml')]);
    expect(judged.status).toBe(1);
    expect(judged.stderr).toMatch(/judged\.yaml:4: checks\.0\.name: a check name is lowercase letters/);
    expect(judged.stderr).toMatch(/judged\.yaml:4: checks\.0\.run: /);
    writeFileSync(join(root, 'judged.yaml'), 'name: judged\nmessages: [{ to: manager, body: hi }]\njudge: { model: gpt-9, rubric: [clear] }\nvariants:\n  - name: a\n');
    const unknown = lemming(root, ['experiment', join(root, 'judged.yaml')]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/judged\.yaml: variant "a": judge\.model: "gpt-9" is not in the org's model registry; use one of offline, /);
  });
});
