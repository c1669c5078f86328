import { adherenceEstimate, consistencyInterval, driftEstimate } from '../../src/experiment/personas/persona-estimates.js';
import { runsInterval, type ReferenceMeasure } from '../../src/reference/compare-reference.js';
import { coverageWarnings } from '../../src/reference/coverage-warnings.js';
import { ksStatistic, networkMeasures, type NetworkMeasures } from '../../src/reference/network-measures.js';
import { expectedOverRuns, randomDirectedNetwork, runChance } from '../../src/reference/random-networks.js';
import { seededRandom } from '../../src/random/seeded-random.js';
import { intervalCoverage, type Coverage } from '../../src/statistics/coverage.js';
import { consistencyStudy, scoredStudy, type ScoredStudySettings } from '../../src/statistics/simulated-studies.js';
import type { BenchContext } from '../context.js';
import type { Row } from '../row.js';

/** Studies simulated for each figure and number of runs. */
const TRIALS = 2000;
const PEOPLE = 30;
const CHANCE = 0.2;
/** Each run's chance of an edge moved by up to this share of itself: repeats that differ, as a model's seeded variability makes them. */
const SPREAD = 0.75;

function row(what: string, coverage: Coverage): Row {
  const [low, high] = coverage.shareInterval;
  return {
    what: `${what}: its 95 % interval held the truth in ${coverage.covered} of ${coverage.trials} studies (Wilson ${(100 * low).toFixed(1)} to ${(100 * high).toFixed(1)} %), mean width ${coverage.meanWidth.toFixed(3)}`,
    figure: { count: Math.round(1000 * coverage.share) / 10, unit: '% covered' },
    target: { text: 'its Wilson interval reaches 95 %, or it covers more; below, the report and docs/validation.md say so', met: high >= 0.95 },
  };
}

/** An interval moved by its study's truth, so studies whose truths differ are counted against 0. */
function centred(interval: readonly [number, number], truth: number): [number, number] {
  return [interval[0] - truth, interval[1] - truth];
}

/** The network measures `analyze --reference` gives an interval over runs, and their truths. */
function networkRows(context: BenchContext): Row[] {
  const truth = expectedOverRuns(PEOPLE, CHANCE, SPREAD);
  // The KS statistic against a fixed real network has no closed form: its expectation from 20,000 runs of the same model.
  const real = networkMeasures(randomDirectedNetwork(PEOPLE, CHANCE, seededRandom(1)));
  const truthNext = seededRandom(2);
  let ks = 0;
  for (let draw = 0; draw < 20_000; draw += 1) ks += ksStatistic(real.outDegrees, networkMeasures(randomDirectedNetwork(PEOPLE, runChance(CHANCE, SPREAD, truthNext()), truthNext)).outDegrees) / 20_000;
  const truths: Record<string, number> = { ...truth, ksOutDegree: ks };
  context.log(`network coverage: truths ${Object.entries(truths).map(([key, value]) => `${key} ${value.toFixed(4)}`).join(', ')}`);
  const value = (measures: NetworkMeasures, measure: string): number =>
    measure === 'edgesPerPerson' ? measures.edges / measures.people : measure === 'ksOutDegree' ? ksStatistic(real.outDegrees, measures.outDegrees) : (measures[measure as keyof NetworkMeasures] as number);
  const rows: Row[] = [];
  for (const runs of context.quick ? [5] : [2, 3, 5, 10]) {
    // One set of studies per number of runs, every measure's interval checked on the same studies.
    const next = seededRandom(100 + runs);
    const studies = Array.from({ length: TRIALS }, () => Array.from({ length: runs }, () => networkMeasures(randomDirectedNetwork(PEOPLE, runChance(CHANCE, SPREAD, next()), next))));
    for (const measure of ['edgesPerPerson', 'ksOutDegree', 'reciprocity', 'insideDepartments', 'clustering', 'neverWrite']) {
      const coverage = intervalCoverage(truths[measure]!, TRIALS, 0, (_next, trial) => runsInterval(measure as ReferenceMeasure, studies[trial]!.map((measures) => value(measures, measure))));
      rows.push(row(`network, ${measure}, t over ${runs} runs of G(${PEOPLE}, p), p = ${CHANCE} ± ${SPREAD * 100} % a run`, coverage));
    }
  }
  return rows;
}

/** Adherence's and drift's intervals (over runs; one run, over its agents) and self-consistency's (Wilson over the agents). */
function personaRows(context: BenchContext): Row[] {
  const base: ScoredStudySettings = { runs: 5, agents: 9, turns: 4, level: 7, agentSpread: 1, runSpread: 0.8, noise: 1.5, drift: -0.1, agentDriftSpread: 0.2, runDriftSpread: 0.5 };
  const cases: Array<[string, ScoredStudySettings]> = [
    ...(context.quick ? [5] : [2, 3, 5, 10]).map((runs): [string, ScoredStudySettings] => [`${runs} runs of the org's 9 agents (a run's own level and drift)`, { ...base, runs }]),
    ['1 run of 9 agents drawn from a population, no run effect', { ...base, runs: 1, newAgents: true, runSpread: 0, runDriftSpread: 0 }],
    ['1 run of 9 agents drawn from a population, with a run effect', { ...base, runs: 1, newAgents: true }],
    ['1 run of 30 agents drawn from a population, no run effect', { ...base, runs: 1, agents: 30, newAgents: true, runSpread: 0, runDriftSpread: 0 }],
    ['5 runs, the truth a population of personas beyond the org\'s 9 agents', { ...base, newAgents: false, runs: 5 }],
  ];
  const rows: Row[] = [];
  for (const [what, settings] of cases) {
    const beyond = what.includes('beyond');
    const next = seededRandom(7 + rows.length);
    const studies = Array.from({ length: TRIALS }, () => scoredStudy(settings, next));
    // Beyond the org: the same studies, against the population's truth (level and drift), not the org's agents'.
    const truthOf = (study: (typeof studies)[number]): { level: number; drift: number } => (beyond ? { level: settings.level + (settings.drift * (settings.turns + 1)) / 2, drift: settings.drift } : study.truth);
    rows.push(row(`adherence, ${what}`, intervalCoverage(0, TRIALS, 0, (_next, trial) => centred(adherenceEstimate(studies[trial]!.runs, trial).interval, truthOf(studies[trial]!).level))));
    rows.push(row(`drift, ${what}`, intervalCoverage(0, TRIALS, 0, (_next, trial) => centred(driftEstimate(studies[trial]!.runs, trial).interval, truthOf(studies[trial]!).drift))));
  }
  for (const runs of [1, 3, 5]) {
    for (const [low, high] of [
      [0.05, 0.95],
      [0.6, 0.9],
    ] as const) {
      const study = { runs, agents: 9, low, high };
      const next = seededRandom(31 + runs);
      const coverage = intervalCoverage((low + high) / 2, TRIALS, 0, () => {
        const drawn = consistencyStudy(study, next);
        return consistencyInterval(drawn.pairs.filter((pair) => pair.consistent).length, drawn.pairs.length, study.agents);
      });
      rows.push(row(`self-consistency, Wilson over 9 agents asked in ${runs} run(s), each keeping with chance ${low} or ${high}`, coverage));
    }
  }
  return rows;
}

/**
 * Runs that collapse: one run in five writes nothing (an agent everyone's work passes through never
 * acts), the others G(30, p) with p = 0.2 moved by up to 25 % a run. How often the t interval over runs
 * holds the truth (the expectation over such runs), and how many of its misses the report warns of.
 */
function collapseRows(context: BenchContext): Row[] {
  const truth = expectedOverRuns(PEOPLE, CHANCE, 0.25);
  const truths = { clustering: 0.8 * truth.clustering, edgesPerPerson: 0.8 * truth.edgesPerPerson };
  const rows: Row[] = [];
  for (const runs of context.quick ? [5] : [5, 10, 20]) {
    const next = seededRandom(300 + runs);
    const studies = Array.from({ length: TRIALS }, () =>
      Array.from({ length: runs }, () => {
        const collapsed = next() < 0.2;
        const network = randomDirectedNetwork(PEOPLE, runChance(CHANCE, 0.25, next()), next);
        return networkMeasures(collapsed ? { ...network, edges: [] } : network);
      }),
    );
    const valuesOf = (study: NetworkMeasures[]) => ({ clustering: study.map((measures) => measures.clustering), edgesPerPerson: study.map((measures) => measures.edges / measures.people) });
    let missed = 0;
    let warned = 0;
    for (const study of studies) {
      const values = valuesOf(study);
      const miss = (['clustering', 'edgesPerPerson'] as const).some((measure) => {
        const [low, high] = runsInterval(measure, values[measure]);
        return !(low <= truths[measure] && truths[measure] <= high);
      });
      if (!miss) continue;
      missed += 1;
      if (coverageWarnings(Object.entries(values).map(([measure, runValues]) => ({ measure, runs: runValues })), runs).length > 0) warned += 1;
    }
    for (const measure of ['clustering', 'edgesPerPerson'] as const) {
      rows.push(row(`network, ${measure}, t over ${runs} runs of which one in five collapses (writes nothing), the others G(${PEOPLE}, p), p = ${CHANCE} ± 25 % a run`, intervalCoverage(truths[measure], TRIALS, 0, (_next, trial) => runsInterval(measure, valuesOf(studies[trial]!)[measure]))));
    }
    rows.push({
      what: `network, ${runs} runs of which one in five collapses: of the ${missed} studies whose clustering or edges-per-person interval missed, those whose report printed a warning`,
      figure: { count: missed === 0 ? 100 : Math.round((1000 * warned) / missed) / 10, unit: '% warned' },
      target: { text: 'every miss is warned of', met: warned === missed },
    });
  }
  return rows;
}

/**
 * How often the intervals `analyze --reference` prints for networks (a t interval over runs) and an
 * experiment's report prints for personas (adherence and drift over runs or one run's agents;
 * self-consistency's Wilson over the agents) hold the truth, on simulated studies whose truth is known.
 */
export function measureCoverage(context: BenchContext): Row[] {
  return [...networkRows(context), ...collapseRows(context), ...personaRows(context)];
}
