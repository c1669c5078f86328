import { describe, expect, it } from 'vitest';
import { adherenceEstimate, adherenceWarnings, consistencyInterval, driftEstimate } from '../../src/experiment/personas/persona-estimates.js';
import { runsInterval, type ReferenceMeasure } from '../../src/reference/compare-reference.js';
import { networkMeasures } from '../../src/reference/network-measures.js';
import { expectedOverRuns, randomDirectedNetwork, runChance } from '../../src/reference/random-networks.js';
import { intervalCoverage } from '../../src/statistics/coverage.js';
import { wilsonInterval } from '../../src/statistics/proportions.js';
import { slope } from '../../src/statistics/regression.js';
import { consistencyStudy, scoredStudy, type ScoredStudySettings } from '../../src/statistics/simulated-studies.js';
import { tInterval } from '../../src/statistics/student-t.js';

const TRIALS = 60;

/** An interval moved by its trial's truth, so studies whose truths differ are counted against 0. */
function centred(interval: readonly [number, number], truth: number): [number, number] {
  return [interval[0] - truth, interval[1] - truth];
}

describe("the network intervals `analyze --reference` prints, checked where the truth is known", () => {
  // Five runs of 30 people, each run's chance of an edge 0.2 moved by up to 75 % of itself (a model's seeded variability).
  const people = 30;
  const chance = 0.2;
  const spread = 0.75;
  const truth = expectedOverRuns(people, chance, spread);

  function study(next: () => number) {
    return Array.from({ length: 5 }, () => randomDirectedNetwork(people, runChance(chance, spread, next()), next)).map(networkMeasures);
  }

  it("the t interval over runs (runsInterval, the report's own) holds each measure's expectation; pooling the runs' edges as one sample does not", () => {
    // The share who never write is left to the bench: skewed over runs ((1 − p)^29 is 0.23 at p = 0.05 and near 0 from 0.15), its t interval over 5 runs covers short.
    for (const measure of ['reciprocity', 'clustering', 'insideDepartments', 'edgesPerPerson'] as const) {
      const coverage = intervalCoverage(truth[measure], TRIALS, 41, (next) => {
        const runs = study(next);
        const values = runs.map((run) => (measure === 'edgesPerPerson' ? run.edges / run.people : (run[measure] as number)));
        return runsInterval(measure as ReferenceMeasure, values);
      });
      expect(coverage.share, measure).toBeGreaterThanOrEqual(0.85);
    }
    // The naive interval: every edge of every run one independent trial of being returned (Wilson over the pooled edges).
    const naive = intervalCoverage(truth.reciprocity, TRIALS, 41, (next) => {
      const runs = study(next);
      const edges = runs.reduce((sum, run) => sum + run.edges, 0);
      return wilsonInterval(
        runs.reduce((sum, run) => sum + run.reciprocity * run.edges, 0),
        edges,
      );
    });
    expect(naive.share).toBeLessThan(0.75);
  });
});

describe('the persona intervals of an experiment report, checked where the truth is known', () => {
  // Nine agents, five runs, four turns: a run's own level (its seed, its mail) moves every message of it.
  const settings: ScoredStudySettings = { runs: 5, agents: 9, turns: 4, level: 7, agentSpread: 1, runSpread: 0.8, noise: 1.5, drift: -0.1, agentDriftSpread: 0.2, runDriftSpread: 0.5 };

  it('adherence and drift over runs hold the org\'s truth; messages pooled as independent do not', () => {
    const level = intervalCoverage(0, TRIALS, 43, (next) => {
      const drawn = scoredStudy(settings, next);
      return centred(adherenceEstimate(drawn.runs, 1).interval, drawn.truth.level);
    });
    expect(level.share).toBeGreaterThanOrEqual(0.85);
    const drift = intervalCoverage(0, TRIALS, 47, (next) => {
      const drawn = scoredStudy(settings, next);
      return centred(driftEstimate(drawn.runs, 1).interval, drawn.truth.drift);
    });
    expect(drift.share).toBeGreaterThanOrEqual(0.85);
    // The naive intervals: a t interval over every message's score, and over every agent × run pair's own slope.
    const naiveLevel = intervalCoverage(0, TRIALS, 43, (next) => {
      const drawn = scoredStudy(settings, next);
      return centred(tInterval(drawn.runs.flat().flatMap((agent) => agent.points.map((point) => point[1]))), drawn.truth.level);
    });
    expect(naiveLevel.share).toBeLessThan(0.75);
    const naiveDrift = intervalCoverage(0, TRIALS, 47, (next) => {
      const drawn = scoredStudy(settings, next);
      return centred(tInterval(drawn.runs.flat().map((agent) => slope(agent.points))), drawn.truth.drift);
    });
    expect(naiveDrift.share).toBeLessThan(0.75);
  });

  it('one run rests on its agents alone, and the report says it covers short', () => {
    // One run of 9 agents from a population whose runs differ: the cluster bootstrap cannot see the run's own level.
    const oneRun = intervalCoverage(7 - 0.25, TRIALS, 59, (next) => adherenceEstimate(scoredStudy({ ...settings, runs: 1, newAgents: true }, next).runs, 1).interval);
    expect(oneRun.share).toBeLessThan(0.75);
    expect(adherenceWarnings([{ variant: 'told', unit: 'agent', units: 9 }, { variant: 'plain', unit: 'run', units: 3 }])).toEqual([
      'Warning: told (9 agent(s)): one run, so the interval is a cluster bootstrap over its agents: in simulation it held the truth in 91 % (adherence) and 89 % (drift) of studies of 9 agents whose runs do not differ, and cannot see how runs differ (where they do, 39 % and 52 %); run two or more repeats for an interval over runs.',
    ]);
    expect(adherenceWarnings([{ variant: 'plain', unit: 'run', units: 2 }])).toEqual([]);
  });

  it("self-consistency's Wilson interval over the agents holds the people's truth; one over the pairs does not", () => {
    // Nine people asked in five runs, each keeping their answer with a chance of their own, 0.05 or 0.95.
    const study = { runs: 5, agents: 9, low: 0.05, high: 0.95 };
    const count = (next: () => number) => {
      const drawn = consistencyStudy(study, next);
      return { consistent: drawn.pairs.filter((pair) => pair.consistent).length, pairs: drawn.pairs.length };
    };
    const lemming = intervalCoverage(0.5, TRIALS, 53, (next) => {
      const { consistent, pairs } = count(next);
      return consistencyInterval(consistent, pairs, study.agents);
    });
    expect(lemming.share).toBeGreaterThanOrEqual(0.85);
    const naive = intervalCoverage(0.5, TRIALS, 53, (next) => {
      const { consistent, pairs } = count(next);
      return wilsonInterval(consistent, pairs);
    });
    expect(naive.share).toBeLessThan(0.8);
  });
});
