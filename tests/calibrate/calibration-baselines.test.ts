import { describe, expect, it } from 'vitest';
import { compareBaselines, personaVerdicts } from '../../src/calibrate/calibration-baselines.js';
import { compareAnswers } from '../../src/calibrate/calibration-statistics.js';
import { totalVariation } from '../../src/calibrate/distribution-distance.js';
import { groupsSummary, type GroupComparison } from '../../src/calibrate/calibrate-org.js';
import { groupsVerdict } from '../../src/calibrate/render-calibration.js';

/** Counts of `n` people in the shares given (whole people). */
function counts(shares: readonly number[], n: number): number[] {
  return shares.map((share) => Math.round(share * n));
}

/** A group's row as calibrate makes it: the comparison, then the baselines read against it; its verdict called as a family of one unless `alone` is false. */
function row(group: readonly number[], everyone: readonly number[], simulated: readonly number[], seed: number, alone = true): GroupComparison {
  const compared = compareAnswers(group, true, simulated, false, seed, everyone);
  const baselines = compareBaselines({ real: group, realIsCounts: true, simulated, ordered: false, seed: seed + 1, everyone, overall: compared.overall! });
  const made = { question: 'q', group: `g${seed}`, ...compared, ...baselines };
  if (alone) personaVerdicts([made]);
  return made;
}

describe("calibration's baselines: what a group's row can say of personas", () => {
  it('a group that answers almost as everyone does: a perfect panel of 90 cannot be told from ignoring personas, and the baseline is inside the noise', () => {
    // The GSS case: the sexes' answers differ by 0.01 where a panel of 90 is noisy by some 0.1.
    const everyone = counts([0.6, 0.4], 2000);
    const men = counts([0.61, 0.39], 1000);
    const perfect = row(men, everyone, counts([0.61, 0.39], 90), 3);
    expect(perfect.overall!.value).toBeLessThan(0.03);
    expect(perfect.noise).toBeGreaterThan(0.05);
    expect(perfect.noise).toBeLessThan(0.2);
    expect(perfect.overallInNoise).toBe(true);
    expect(perfect.personas).toBe('indistinguishable');
    expect(perfect.beyondOverall!.interval[0]).toBeLessThanOrEqual(0);
    expect(perfect.beyondOverall!.interval[1]).toBeGreaterThanOrEqual(0);
  });

  it('a group far from everyone: a panel answering as the group is nearer than the baseline, one answering as everyone is not', () => {
    const everyone = counts([0.6, 0.4], 2000);
    const group = counts([0.9, 0.1], 500);
    const personas = row(group, everyone, counts([0.9, 0.1], 200), 5);
    expect(personas.overall!.value).toBeCloseTo(0.3, 1);
    expect(personas.overallInNoise).toBe(false);
    expect(personas.personas).toBe('nearer');
    expect(personas.beyondOverall!.interval[1]).toBeLessThan(0);
    const ignoring = row(group, everyone, counts([0.6, 0.4], 200), 7);
    expect(ignoring.personas).toBe('indistinguishable');
    // Worse than ignoring personas is said too.
    expect(row(group, everyone, counts([0.2, 0.8], 200), 9).personas).toBe('farther');
  });

  it('the demographics-only baseline: each agent answered with its own cell, the group the mix of its agents, against the group worked by hand', () => {
    // Men by education: 400 with high school or less (70 % yes), 600 with college (40 % yes); the group's real share 52 % yes.
    const school = [280, 120];
    const college = [240, 360];
    const men = [520, 480];
    // The panel's 100 men are 80 with high school or less: the demographics alone would answer 0.8·0.7 + 0.2·0.4 = 64 % yes.
    const baselines = compareBaselines({ real: men, realIsCounts: true, simulated: [60, 40], ordered: false, seed: 1, cells: [{ real: school, agents: 80 }, { real: college, agents: 20 }] });
    const byHand = totalVariation([0.52, 0.48], [0.64, 0.36]);
    expect(byHand).toBeCloseTo(0.12, 9);
    expect(Math.abs(baselines.demographic!.value - byHand)).toBeLessThan(0.02);
    expect(baselines.demographic!.interval[0]).toBeLessThanOrEqual(byHand);
    expect(baselines.demographic!.interval[1]).toBeGreaterThanOrEqual(byHand);
    // A panel whose cells are the real ones' shares: the demographics alone answer as the group does.
    const matched = compareBaselines({ real: men, realIsCounts: true, simulated: [60, 40], ordered: false, seed: 1, cells: [{ real: school, agents: 40 }, { real: college, agents: 60 }] });
    expect(matched.demographic!.value).toBe(0);
    // No agent with college: the demographics alone answer as high school does, against all the group's real men.
    const oneCell = compareBaselines({ real: men, realIsCounts: true, simulated: [60, 40], ordered: false, seed: 1, cells: [{ real: school, agents: 100 }, { real: college, agents: 0 }] });
    expect(Math.abs(oneCell.demographic!.value - totalVariation([0.52, 0.48], [0.7, 0.3]))).toBeLessThan(0.02);
    // A cell with no real answers: the baseline does not apply.
    expect(compareBaselines({ real: men, realIsCounts: true, simulated: [60, 40], ordered: false, seed: 1, cells: [{ real: [0, 0], agents: 100 }] }).demographic).toBeUndefined();
  });

  it('the total says plainly how many group rows say nothing of persona fidelity', () => {
    const everyone = counts([0.6, 0.4], 2000);
    const rows = [row(counts([0.61, 0.39], 1000), everyone, counts([0.61, 0.39], 90), 3, false), row(counts([0.9, 0.1], 500), everyone, counts([0.9, 0.1], 200), 5, false)];
    personaVerdicts(rows);
    const groups = groupsSummary(rows)!;
    expect(groups).toMatchObject({ rows: 2, nearer: 1, farther: 0, indistinguishable: 1, overallInNoise: 1 });
    expect(groupsVerdict(groups)).toContain("in 1 of 2 group row(s) the distance is not distinguishable from answering every group with everyone's answers, so those rows say nothing of persona fidelity; 1 nearer than that baseline, 0 farther (each verdict's p adjusted across the 2 rows by Benjamini–Hochberg");
  });

  it("a report's many group rows are one family: where no group's personas matter, no row is called nearer or farther, where each row tested at 5 % alone calls some", () => {
    // 48 group rows (12 questions by 4 groups, as respondents.yaml gives), every group answering as everyone does, and
    // each panel of 90 off its group's shares by what a draw of 90 may be (0, ±0.04 or ±0.08, a standard error about 0.05):
    // no row has anything to find. Shares vary by row, as questions do.
    const rows = Array.from({ length: 48 }, (_, index) => {
      const share = 0.2 + (0.6 * index) / 47;
      const everyone = counts([share, 1 - share], 900);
      const panel = counts([share + (index % 5 - 2) * 0.04, 1 - share - (index % 5 - 2) * 0.04], 90);
      return row(counts([share, 1 - share], 300), everyone, panel, 100 + index, false);
    });
    // Each row alone, at 5 %: its own p below 0.05.
    const alone = rows.filter((each) => each.pBeyond! < 0.05).length;
    personaVerdicts(rows);
    const called = rows.filter((each) => each.personas !== 'indistinguishable').length;
    expect(alone).toBeGreaterThan(0);
    expect(called).toBe(0);
    for (const each of rows) expect(each.qBeyond).toBeGreaterThanOrEqual(each.pBeyond!);
  });
});
