import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { docSection, fencedBlock } from '../helpers/docs.js';
import { lemmingShell } from '../helpers/lemming-shell.js';
import { scratchDir } from '../faults/scratch.js';
import { besidesProgress } from '../helpers/progress-lines.js';

/** The section of docs/experiments.md this file runs. */
function section(): string {
  return docSection('docs/experiments.md', '## A counterfactual study');
}

/** The section's fenced block whose first line starts so. */
function block(start: string): string {
  return fencedBlock(section(), start);
}

/** A console block: its command (the `$ ` line) and the lines it shows printed. */
function consoleBlock(start: string): { command: string; shown: string[] } {
  const [first = '', ...shown] = block(start).trimEnd().split('\n');
  return { command: first.replace(/^\$ /, ''), shown };
}

/** Run commands with bash as a person would (the built CLI as `lemming` on PATH); standard input closed. */
const sh = lemmingShell();

/** Run commands that must succeed; their standard output. */
function ran(cwd: string, text: string): string {
  const result = sh(cwd, text);
  expect({ status: result.status, stderr: besidesProgress(result.stderr) }, `${text}\n${result.stdout}`).toEqual({ status: 0, stderr: '' });
  return result.stdout;
}

/** A `lemming diff` of the page: it says the two differ (exit 1) and prints first what the page shows. */
function diffAsShown(cwd: string, start: string): void {
  const { command, shown } = consoleBlock(start);
  const diff = sh(cwd, command);
  expect(diff.stderr).toBe('');
  expect(diff.status).toBe(1);
  expect(diff.stdout.split('\n').slice(0, shown.length)).toEqual(shown);
}

/** The rows of a variants table, without their wall time. */
function variantRows(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => /^\| (as-was|told|broke-coder) \| \d+ \| .* s \|$/.test(line))
    .map((line) => line.replace(/\| [\d.]+ s \|$/, '|'));
}

describe("docs/experiments.md's counterfactual study, run as written", () => {
  test('the baseline, a fork by hand compared with `lemming diff`, and the experiment from `base: baseline@2`: what they print and report is what the page shows', () => {
    const folder = scratchDir('lemming-docs-counterfactual-');
    ran(folder, block('# the baseline: the default org'));
    ran(folder, block('lemming fork --from baseline --at 2 --root told'));
    diffAsShown(folder, '$ lemming diff baseline told');

    writeFileSync(join(folder, 'what-if.yaml'), block('# what-if.yaml'));
    const experiment = consoleBlock('$ lemming experiment what-if.yaml');
    const run = sh(folder, experiment.command);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trimEnd().split('\n')).toEqual(experiment.shown);
    // Its progress, on standard error: each run's credits are those it spent after the fork.
    expect(run.stderr).toContain('as-was: idle after turn 5, 3 message(s), 0.0381 credits after turn 2');

    const report = readFileSync(join(folder, 'baseline/experiments/what-if/report.md'), 'utf8');
    const quoted = /^> (Every run is a fork .*)$/m.exec(section())?.[1];
    expect(quoted).toBeDefined();
    expect(report).toContain(quoted);
    expect(variantRows(section())).toHaveLength(3);
    expect(variantRows(report)).toEqual(variantRows(section()));

    // The control is the baseline again, and the experiment's `told` is the fork made by hand: only a run's own measures differ.
    diffAsShown(folder, '$ lemming diff baseline baseline/experiments/what-if/as-was');
    const again = sh(folder, 'lemming diff told baseline/experiments/what-if/told');
    expect(again.status).toBe(1);
    expect(again.stdout.split('\n')[2]).toBe('summary: 9 outcome measures differ');

    // The refusal the page quotes: a turn the base's history does not hold.
    writeFileSync(join(folder, 'far.yaml'), block('# what-if.yaml').replace('baseline@2 ', 'baseline@9 ').replace(/\n {2}- name: told[\s\S]*$/, '\n'));
    const refused = sh(folder, 'lemming experiment far.yaml --root baseline');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('far.yaml:3: base: "baseline@9": turn 9 is not in the history of ');
    expect(refused.stderr).toContain('/baseline: it holds turns 0 to 5;');
    expect(refused.stderr).toContain('give a turn it holds, for example `base: baseline@5`');
  }, 900_000);
});
