import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { packageVersion } from '../../src/package-root.js';
import { lemmingAsync } from '../helpers/cli.js';
import { defaultOrg } from '../helpers/temp-org.js';

/**
 * An experiment's report says what it measured as it measured it: the model of each agent that
 * answered and the settings its figures depend on (the per-turn cap, the turns), with whether each is
 * the default; no "(lower is better)" on a count that is neither; a variant in which no run answered
 * kept in the plot of the turns to an answer, marked; and intervals over 3 runs named for what they
 * are (a t interval, with its n), not a bootstrap that covers far less than it says.
 */

const STUDY = `name: study
turns: 8
repeats: 3
messages:
  - to: manager
    subject: Release notes
    body: Please get the release notes for version 2 written and checked.
variants:
  - name: baseline
  - name: tight-manager
    resumes:
      manager: { credits: 0.004 }
`;

interface Report {
  provenance: { lemming: string; models: Array<{ entry: string; provider: string; model: string; agents: string[]; note?: string }>; settings: Array<{ setting: string; value: string; isDefault: boolean; source: string }> };
  statistics: { intervals: string; metrics: Array<{ key: string; better: string | null; variants: Record<string, { n: number; ci: [number, number] | null }> }> };
}

describe("an experiment's report says how its figures were made", () => {
  test('the models, the settings with their defaults, no false "lower is better", every variant in every plot, and t intervals over runs', { timeout: 300_000 }, async () => {
    const root = defaultOrg();
    writeFileSync(join(root, 'study.yaml'), STUDY);
    const result = await lemmingAsync(root, ['experiment', join(root, 'study.yaml')]);
    expect(result.status, result.stderr).toBe(0);
    const folder = join(root, 'experiments/study');
    const markdown = readFileSync(join(folder, 'report.md'), 'utf8');
    const report = JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')) as Report;

    // What made it: the version, the offline model of every agent that answered, the settings.
    expect(markdown).toContain('## What made this report');
    expect(markdown).toContain(`lemming ${packageVersion()}.`);
    expect(markdown).toMatch(/^\| offline \| offline \| offline-1 \| none: rules \| none in effect: variability 0, every repeat answers alike \| /m);
    expect(report.provenance.models.map((row) => [row.entry, row.note])).toEqual([['offline', 'offline: rules, not people']]);
    expect(report.provenance.models[0]?.agents).toEqual(expect.arrayContaining(['manager', 'planner']));
    const setting = (name: string) => report.provenance.settings.find((each) => each.setting === name);
    expect(setting('engine.max_messages_per_turn')).toMatchObject({ value: '5', isDefault: true, source: 'org/org.yaml' });
    expect(setting('turns')).toMatchObject({ value: '8', isDefault: false, source: 'study.yaml' });
    expect(setting('engine.activation')).toMatchObject({ value: 'none: every agent with mail acts', isDefault: true, source: 'the default' });
    expect(markdown).toMatch(/^\| engine\.max_messages_per_turn \| all \| 5 \| yes \| org\/org\.yaml \|$/m);

    // Messages are a count, not a score: no direction is claimed for them.
    expect(markdown).not.toMatch(/messages \((lower|higher) is better\)/);
    expect(report.statistics.metrics.find((metric) => metric.key === 'messages')?.better).toBeNull();
    expect(JSON.parse(readFileSync(join(folder, 'plots/messages.vl.json'), 'utf8')).title.text).toBe('messages per run');

    // The turns to an answer: the variant in which nobody answered is in the plot, marked, not dropped.
    const plot = JSON.parse(readFileSync(join(folder, 'plots/turns_to_answer.vl.json'), 'utf8')) as { layer: Array<{ encoding?: { y?: { sort?: string[]; scale?: { domain?: string[] } } } }> };
    expect(plot.layer[0]?.encoding?.y?.scale?.domain).toEqual(['baseline (n=3)', 'tight-manager (n=0: no run answered the human)']);
    expect(readFileSync(join(folder, 'plots/turns_to_answer.svg'), 'utf8')).toContain('tight-manager (n=0: no run answered the human)');

    // The intervals are t intervals over the runs, and say so with their n; none is called a bootstrap.
    expect(markdown).not.toContain('95% bootstrap');
    expect(markdown).toContain("with 95% t intervals over each variant's runs (its n in the table below; a run is one value), a difference's by Welch's t; p is a two-sided permutation test of the runs (with 3 runs a variant, the smallest p it can give is 0.1)");
    expect(report.statistics.intervals).toBe(
      "95% Student t interval of the mean over each variant's runs (a run is one value); a difference's by Welch's t; each kept within what the metric can be (a judged score 0 to the judge's scale, a pass rate 0 to 1, a count or credits 0 and above), `cutAt` saying where one reached past and was cut; where every run of a variant is at one end of a pass rate or the other (a pass rate over one check: each run 0 or 1, alike or not), the Clopper–Pearson interval of its runs as trials (`clopper-pearson`), which holds 95 % at any pass rate where the t interval and Wilson's fall short, and a difference of two such pass rates Newcombe's hybrid score interval from the two sides' Clopper–Pearson limits (`newcombe-clopper-pearson`), which held 95 % less 2.5 points at 3 to 30 runs a side where Welch's t fell to 91.6 %; otherwise, where every run of a variant gave the same value (`alike`), a t interval would have no width: a bounded metric (a pass rate, a judged score) has the Wilson interval of its runs as trials (a difference with such a side, each side's own interval combined: Newcombe's with both sides alike, MOVER with one), any other none (null, a difference with such a side too); every variant runs with the baseline's seeds, and these intervals and tests do not use that pairing; p: a two-sided permutation test of the runs; adjusted p: p adjusted by Holm's step-down for the variants compared with the baseline on the same metric, which a difference's reading uses (each metric at its own 5 %)",
    );
    const credits = report.statistics.metrics.find((metric) => metric.key === 'credits');
    expect(credits?.variants.baseline?.n).toBe(3);
  });
});
