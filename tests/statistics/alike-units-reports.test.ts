import { describe, expect, test } from 'vitest';
import type { Experiment } from '../../src/experiment/experiment-file.js';
import type { RunMetrics } from '../../src/experiment/run-metrics.js';
import { personaTables, renderPersonas } from '../../src/experiment/personas/persona-report.js';
import { renderSurvey, surveyTables } from '../../src/experiment/survey-report.js';
import { renderSurveyByAttribute, surveyByAttribute } from '../../src/experiment/personas/survey-by-attribute.js';
import { summarisePeople, type PersonScore } from '../../src/calibrate/individual-statistics.js';
import { peopleFigure } from '../../src/calibrate/render-people.js';
import { coverageWarnings } from '../../src/reference/coverage-warnings.js';
import { runsInterval } from '../../src/reference/compare-reference.js';
import { wilsonInterval } from '../../src/statistics/proportions.js';
import type { SurveyAnswer } from '../../src/survey/ask-agents.js';
import { renderTally, tallyAnswers } from '../../src/survey/tally-answers.js';

/*
 * Every report that prints an interval of a mean over units (runs, agents, people) goes through one
 * rule (src/statistics/runs-interval.ts): units that all gave the same value print no interval of no
 * width. Before, each of these printed [x, x]: `lemming ask`'s tally of four agents who all said 3,
 * an experiment's survey over runs that all averaged 3, persona adherence of 10 in every run (and a
 * drift of 0 in every run), calibrate --people's accuracy of 1 for every person, and analyze
 * --reference's reciprocity over runs that repeat each other.
 */

const answer = (agent: string, number: number): SurveyAnswer => ({ agent, model: 'offline', raw: String(number), credits: 0.001, number });

describe('units all alike, in every report that prints an interval over them', () => {
  test("lemming ask's tally: four agents who all answered 3 on a scale of 1 to 5 get the Wilson interval on that scale; with no scale named, the tally says there is none", () => {
    const four = ['a', 'b', 'c', 'd'].map((agent) => answer(agent, 3));
    const scaled = tallyAnswers({ text: 'How busy are you, from 1 to 5?', number: true }, four);
    const [low, high] = wilsonInterval(2, 4);
    expect(scaled.numbers).toMatchObject({ mean: 3, alike: true });
    expect(scaled.numbers?.ci?.[0]).toBeCloseTo(1 + 4 * low, 5);
    expect(scaled.numbers?.ci?.[1]).toBeCloseTo(1 + 4 * high, 5);
    expect(scaled.numbers!.ci![1] - scaled.numbers!.ci![0]).toBeGreaterThan(2);
    const open = tallyAnswers({ text: 'How many hours did you work?', number: true }, four);
    expect(open.numbers).toMatchObject({ mean: 3, ci: null, alike: true });
    expect(renderTally(open)).toEqual(['tally of 4 answer(s) read: mean 3 (every agent alike (n=4): no interval from the agents)']);
  });

  test("an experiment's survey: three runs whose agents all answered 3 give an interval with width on the question's scale, and none without one", () => {
    const experiment = (text: string): Experiment =>
      ({ name: 'study', survey: [{ question: { text, number: true }, ask: ['manager'] }], variants: [{ name: 'baseline', outcome: { seed: 1, checks: [] } }] }) as unknown as Experiment;
    const runs = [1, 2, 3].map((index) => ({ run: `baseline-r${index}`, variant: 'baseline', survey: [{ index: 0, answers: [answer('manager', 3), answer('planner', 3)] }] }) as unknown as RunMetrics);
    const scaled = surveyTables(experiment('How busy are you, from 1 to 5?'), runs)[0]!.variants[0]!.numbers!;
    expect(scaled).toMatchObject({ alike: true, unit: 'run', units: 3 });
    expect(scaled.ci![1] - scaled.ci![0]).toBeGreaterThan(2);
    const open = surveyTables(experiment('How many hours did you work?'), runs);
    expect(open[0]!.variants[0]!.numbers).toMatchObject({ ci: null, alike: true });
    expect(renderSurvey(open)).toContain('| baseline | 6 | 3 | 0 | every run alike (n=3): no interval from the runs | 3 runs (all alike) |');
  });

  test("an experiment's survey by attribute: a department whose three people all answered 3 gets the people's Wilson interval on the scale, or none without one, said", () => {
    const experiment = (text: string): Experiment => ({ name: 'study', survey: [{ question: { text, number: true }, ask: { all: true } }], variants: [{ name: 'baseline', outcome: { seed: 1, checks: [] } }] }) as unknown as Experiment;
    const runs = [1, 2].map((index) => ({ run: `baseline-r${index}`, variant: 'baseline', survey: [{ index: 0, answers: ['ana', 'bo', 'cy'].map((agent) => ({ ...answer(agent, 3), persona: { department: 'sales' } })) }] }) as unknown as RunMetrics);
    const scaled = surveyByAttribute(experiment('How busy are you, from 1 to 5?'), runs)[0]!.cells[0]!.numbers!;
    const [low, high] = wilsonInterval(1.5, 3);
    expect(scaled).toMatchObject({ mean: 3, alike: true });
    expect(scaled.ci?.[0]).toBeCloseTo(1 + 4 * low, 5);
    expect(scaled.ci?.[1]).toBeCloseTo(1 + 4 * high, 5);
    const open = surveyByAttribute(experiment('How many hours did you work?'), runs);
    expect(open[0]!.cells[0]!.numbers).toMatchObject({ ci: null, alike: true });
    expect(renderSurveyByAttribute(open)).toContain('| baseline | sales | 6 | 3 | 3 | every person alike (n=3): no interval from the people |');
  });

  test('persona adherence of 10 in every run gets the Wilson interval on the scale of 0 to 10; a drift of 0 in every run, a slope with no bounds, gets none, said', () => {
    const experiment = { name: 'study', survey: [], personas: { judge: 'offline', scale: 10, maxMessages: 1000 }, variants: [{ name: 'v', outcome: { seed: 5, checks: [] } }] } as unknown as Experiment;
    const judged = [['ana', 1], ['ana', 2], ['bo', 1], ['bo', 3]] as const;
    const runs = [1, 2, 3].map(
      (index) =>
        ({
          run: `v-r${index}`,
          variant: 'v',
          personas: { adherence: { model: 'offline', scale: 10, written: 4, judged: judged.map(([agent, turn], at) => ({ id: `${turn}-${agent}-${at}`, agent, turn, score: 10, reason: '' })) }, consistency: [] },
        }) as unknown as RunMetrics,
    );
    const tables = personaTables(experiment, runs);
    const [variant] = tables.adherence!.variants;
    const [low] = wilsonInterval(3, 3);
    expect(variant).toMatchObject({ mean: 10, alike: true, unit: 'run', units: 3, drift: { perTurn: 0, ci: null, alike: true } });
    expect(variant!.ci?.[0]).toBeCloseTo(10 * low, 5);
    expect(variant!.ci?.[1]).toBe(10);
    expect(renderPersonas(tables)).toContain(`| v | 12 | 12 | 2 | 3 | 10 | [${Number((10 * low).toPrecision(4))}, 10] | 0 | every run alike (n=3): no interval from the runs | 3 runs |`);
  });

  test('calibrate --people: five people all answered as their agents did: accuracy 1 with its Wilson interval, not [1, 1]', () => {
    const scores: PersonScore[] = ['p1', 'p2', 'p3', 'p4', 'p5'].map((person) => ({ person, weight: 1, heldOut: 4, accuracy: 1, modelRetest: 1, floor: 0.5, chance: 0.25, commonest: 0.5, unreadable: 0 }));
    const summary = summarisePeople(scores);
    const [low] = wilsonInterval(5, 5);
    expect(summary.accuracy).toMatchObject({ value: 1, alike: true });
    expect(summary.accuracy.interval[0]).toBeCloseTo(low, 6);
    expect(peopleFigure(summary.accuracy)).toBe('1.000 [0.566, 1.000] (n = 5; every person alike: Wilson interval)');
    // The weighted accuracy (a ratio of sums) the same, at the weights' effective size.
    expect(summary.accuracyWeighted.interval[0]).toBeCloseTo(low, 6);
  });

  test("analyze --reference: runs whose reciprocity repeats each other get a share's Wilson interval over the runs; edges per person, unbounded, none; the warning says which", () => {
    const [low, high] = runsInterval('reciprocity', [0.4, 0.4, 0.4]);
    expect(high - low).toBeGreaterThan(0.5);
    expect(low).toBeCloseTo(wilsonInterval(1.2, 3)[0], 6);
    expect(runsInterval('edgesPerPerson', [2, 2, 2]).every(Number.isNaN)).toBe(true);
    expect(coverageWarnings([{ measure: 'reciprocity', runs: [0.4, 0.4, 0.4] }], 3)[0]).toBe(
      "Warning: the runs repeat each other exactly on reciprocity: they show no spread to build an interval from, so a share's is the Wilson interval of the runs as trials and edges per person has none: the runs did not vary, which does not make the figure known.",
    );
  });
});
