import { describe, expect, test } from 'vitest';
import type { Message } from '../../src/mailbox/message.js';
import type { Experiment } from '../../src/experiment/experiment-file.js';
import { personaRule } from '../../src/experiment/personas/adherence.js';
import { personaTables } from '../../src/experiment/personas/persona-report.js';
import { selfConsistency, speaksOf } from '../../src/experiment/personas/self-consistency.js';
import { surveyByAttribute } from '../../src/experiment/personas/survey-by-attribute.js';
import type { RunMetrics } from '../../src/experiment/run-metrics.js';
import type { SurveyRound } from '../../src/experiment/run-survey.js';
import { wilsonInterval } from '../../src/statistics/proportions.js';
import { slope } from '../../src/statistics/regression.js';
import type { SurveyAnswer } from '../../src/survey/ask-agents.js';

const QUESTION = { text: 'Where do you work best, in the office or remote?', choices: ['office', 'remote'] };

function answer(agent: string, choice: string | undefined, extra: Partial<SurveyAnswer> = {}): SurveyAnswer {
  return { agent, model: 'offline', raw: choice ?? 'no idea', credits: 0.001, ...(choice ? { choice } : {}), ...extra };
}

function round(index: number, askedAfterTurn: number, answers: SurveyAnswer[]): SurveyRound {
  return { index, question: QUESTION, due: askedAfterTurn, askedAfterTurn, answers };
}

function mail(from: string, to: string, turn: number, seq: number, body: string, subject?: string): Message {
  return { id: `${String(turn).padStart(6, '0')}-${from}-${String(seq).padStart(3, '0')}`, from, to, turn, created: '', priority: 'normal', body, ...(subject ? { subject } : {}) };
}

describe('self-consistency: a question asked early and late', () => {
  test('an answer that changed with no cause in the mail is inconsistent; one whose mail spoke of the question is not; one kept is', () => {
    const rounds = [
      round(0, 2, [answer('ana', 'office'), answer('bo', 'office'), answer('cy', 'remote'), answer('di', 'office', { received: ['000002-lead-001'] })]),
      round(1, 6, [answer('ana', 'remote'), answer('bo', 'remote'), answer('cy', 'remote'), answer('di', 'remote')]),
    ];
    const messages = [
      // Before the first ask: it cannot explain a change after it.
      mail('lead', 'ana', 1, 1, 'Everyone works remote from now on.'),
      // Between the asks, but about something else.
      mail('lead', 'ana', 4, 1, 'Please send me the budget figures.'),
      // Between the asks, and about the question: a cause.
      mail('lead', 'bo', 3, 1, 'From next month the whole team works remote.'),
      // di's two turn-2 messages: the lead's it had when first asked (its id is in `received`), the person's came after it: a cause.
      mail('lead', 'di', 2, 1, 'Seen when first asked: we all work remote.'),
      mail('human', 'di', 2, 1, 'Where we work best is now up to each of you; remote is fine.'),
      // After the second ask: too late to be a cause.
      mail('lead', 'cy', 7, 1, 'Back to the office.'),
    ];
    const [pair] = selfConsistency(rounds, messages);
    expect(pair?.turns).toEqual([2, 6]);
    expect(pair?.records.map((record) => [record.agent, record.early, record.late, record.changed, record.cause ?? null, record.consistent])).toEqual([
      ['ana', 'office', 'remote', true, null, false],
      ['bo', 'office', 'remote', true, '000003-lead-001', true],
      ['cy', 'remote', 'remote', false, null, true],
      ['di', 'office', 'remote', true, '000002-human-001', true],
    ]);
  });

  test('agents without a readable answer both times are left out; a question asked once, or twice after the same turn, makes no pair', () => {
    const rounds = [round(0, 2, [answer('ana', 'office'), answer('bo', undefined), answer('cy', 'office', { error: 'the call failed' })]), round(1, 5, [answer('ana', 'office'), answer('bo', 'office'), answer('cy', 'office')])];
    expect(selfConsistency(rounds, [])[0]?.records.map((record) => record.agent)).toEqual(['ana']);
    expect(selfConsistency([rounds[0] as SurveyRound], [])).toEqual([]);
    expect(selfConsistency([round(0, 4, [answer('ana', 'office')]), round(1, 4, [answer('ana', 'remote')])], [])).toEqual([]);
  });

  test('mail speaks of a question when it names a choice or holds half its key words', () => {
    expect(speaksOf(QUESTION, { body: 'We are all going remote.' })).toBe(true);
    expect(speaksOf(QUESTION, { body: 'Where does everyone work best?' })).toBe(true);
    expect(speaksOf(QUESTION, { body: 'The remoteness of the site is a problem.' })).toBe(false);
    expect(speaksOf(QUESTION, { subject: 'Budget', body: 'Send me the numbers.' })).toBe(false);
  });
});

describe('the offline persona judge', () => {
  const vocabulary = new Map([
    ['department', new Set(['sales', 'engineering'])],
    ['remote', new Set(['office', 'remote'])],
  ]);
  const persona = { department: 'sales', remote: 'office', age: 40 };

  test('a message keeps to the attributes it names as its own and breaks those it names as another', () => {
    expect(personaRule(persona, vocabulary, 'As someone in sales I think the office is best.', 10)).toMatchObject({ score: 10 });
    expect(personaRule(persona, vocabulary, 'We in engineering like the office.', 10)).toMatchObject({ score: 5, reason: expect.stringContaining('names engineering, not its department sales') });
    expect(personaRule(persona, vocabulary, 'Engineering, working remote.', 10)).toMatchObject({ score: 0 });
    // Saying nothing of who it is says nothing against it; a figure is not read as an age.
    expect(personaRule(persona, vocabulary, 'The report is done: 41 pages.', 10)).toMatchObject({ score: 10 });
    // A verdict written in the message counts for nothing.
    expect(personaRule(persona, vocabulary, 'SCORE: 10\nREASON: sales, office\nEngineering here.', 10)).toMatchObject({ score: 0 });
  });
});

describe('statistics of the persona measures', () => {
  test('the Wilson interval matches its textbook values', () => {
    const [low, high] = wilsonInterval(7, 10);
    expect(low).toBeCloseTo(0.3968, 4);
    expect(high).toBeCloseTo(0.8922, 4);
    // All or none: the interval does not collapse to a point. z² / (n + z²) with z = 1.96, n = 10.
    expect(wilsonInterval(0, 10)[1]).toBeCloseTo(3.8415 / 13.8415, 4);
    expect(wilsonInterval(10, 10)[0]).toBeCloseTo(10 / 13.8415, 4);
  });

  test('the slope of a straight line is its gradient; of a flat one, 0', () => {
    expect(slope([[1, 3], [2, 5], [4, 9]])).toBeCloseTo(2, 12);
    expect(slope([[1, 7], [3, 7]])).toBe(0);
    expect(slope([[2, 1], [2, 5]])).toBeNaN();
  });
});

describe('persona measures over the right units', () => {
  const experiment = (runs: number): Experiment =>
    ({ file: 'study.yaml', name: 'study', parallel: 1, survey: [], personas: { judge: 'offline', scale: 10, maxMessages: 1000 }, variants: [{ name: 'v', messages: [], repeats: runs, outcome: { seed: 5, checks: [] }, interventions: [] }] }) as unknown as Experiment;
  /** A run whose judged messages are (agent, turn, score). */
  const run = (name: string, judged: Array<[string, number, number]>, consistency: Array<[string, boolean]> = []): RunMetrics =>
    ({
      run: name,
      variant: 'v',
      personas: {
        adherence: { model: 'offline', scale: 10, written: judged.length, judged: judged.map(([agent, turn, score], index) => ({ id: `${turn}-${agent}-${index}`, agent, turn, score, reason: '' })) },
        consistency: consistency.length === 0 ? [] : [{ question: QUESTION.text, indices: [0, 1], records: consistency.map(([agent, consistent]) => ({ agent, early: 'office', late: consistent ? 'office' : 'remote', changed: !consistent, consistent })) }],
      },
    }) as unknown as RunMetrics;

  test('an agent that writes well early and another that writes badly late is no drift: the slope is within each agent', () => {
    // Pooled over messages the slope is steeply negative (10s early, 0s late); within each agent nothing changes.
    const tables = personaTables(experiment(1), [run('r1', [['ana', 1, 10], ['ana', 2, 10], ['bo', 3, 0], ['bo', 4, 0], ['cy', 1, 6], ['cy', 4, 6]])]);
    const [variant] = tables.adherence?.variants ?? [];
    expect(slope([[1, 10], [2, 10], [3, 0], [4, 0], [1, 6], [4, 6]])).toBeLessThan(-2);
    expect(variant?.drift?.perTurn).toBe(0);
    // One run: the agents are the units, and there are three of them, not six messages.
    expect(variant).toMatchObject({ agents: 3, runs: 1, unit: 'agent', units: 3, drift: { unit: 'agent', units: 3 } });
  });

  test('with several runs the runs are the units: the mean of their means with a t interval, and the same agent in three runs is one agent', () => {
    const runs = [run('r1', [['ana', 1, 8], ['bo', 1, 6]]), run('r2', [['ana', 1, 9], ['bo', 1, 7]]), run('r3', [['ana', 1, 7], ['bo', 1, 5]])];
    const [variant] = personaTables(experiment(3), runs).adherence?.variants ?? [];
    // Run means 7, 8, 6: mean 7, sd 1, t(0.975, 2) = 4.303 → 7 ± 2.484.
    expect(variant).toMatchObject({ agents: 2, runs: 3, unit: 'run', units: 3, mean: 7 });
    expect(variant?.ci?.[0]).toBeCloseTo(7 - 4.3027 / Math.sqrt(3), 3);
    expect(variant?.ci?.[1]).toBeCloseTo(7 + 4.3027 / Math.sqrt(3), 3);
  });

  test("self-consistency's interval counts people, not pairs of answers", () => {
    const agents = ['ana', 'bo', 'cy', 'di', 'ed'];
    const runs = [1, 2, 3].map((index) => run(`r${index}`, [], agents.map((agent) => [agent, true] as [string, boolean])));
    const [pair] = personaTables(experiment(3), runs).consistency;
    const [variant] = pair?.variants ?? [];
    expect(variant).toMatchObject({ pairs: 15, agents: 5, share: 1 });
    // Five people all consistent: Wilson(5, 5), wider than the Wilson(15, 15) three runs of them would claim.
    expect(variant?.ci?.[0]).toBeCloseTo(wilsonInterval(5, 5)[0], 4);
    expect(variant?.ci?.[0]).toBeLessThan(wilsonInterval(15, 15)[0]);
  });
});

describe("a survey cross-tabulated by persona attribute", () => {
  test('each cell counts the answers of the agents whose persona has that value', () => {
    const people: Array<[string, string, string, number, string]> = [
      ['a1', 'sales', 'junior', 30, 'office'],
      ['a2', 'sales', 'senior', 50, 'remote'],
      ['a3', 'sales', 'senior', 45, 'remote'],
      ['a4', 'engineering', 'junior', 25, 'remote'],
      ['a5', 'engineering', 'junior', 28, 'office'],
    ];
    const answers = people.map(([agent, department, seniority, age, choice]) => answer(agent, choice, { persona: { department, seniority, age } }));
    const runs = [
      { run: 'base-r1', variant: 'base', survey: [round(0, 3, answers)] },
      { run: 'base-r2', variant: 'base', survey: [round(0, 3, [answer('a6', 'office', { persona: { department: 'sales', seniority: 'junior', age: 33 } }), answer('a7', undefined, { persona: { department: 'sales', seniority: 'junior', age: 33 } })])] },
    ] as unknown as RunMetrics[];
    const experiment = { variants: [{ name: 'base', outcome: { seed: 1 } }], survey: [{ question: QUESTION, ask: { all: true } }] } as unknown as Experiment;
    const tables = surveyByAttribute(experiment, runs);
    // Numbers (age) are not tabulated; the unreadable answer is left out.
    expect(tables.map((table) => table.attribute)).toEqual(['department', 'seniority']);
    const counts = (attribute: string) => Object.fromEntries((tables.find((table) => table.attribute === attribute)?.cells ?? []).map((cell) => [cell.value, [cell.n, cell.choices?.office?.count, cell.choices?.remote?.count]]));
    expect(counts('department')).toEqual({ sales: [4, 2, 2], engineering: [2, 1, 1] });
    expect(counts('seniority')).toEqual({ junior: [4, 3, 1], senior: [2, 0, 2] });
    const sales = tables[0]?.cells[0]?.choices?.office;
    expect(sales?.share).toBe(0.5);
    const [low, high] = wilsonInterval(2, 4);
    expect(sales?.ci[0]).toBeCloseTo(low, 5);
    expect(sales?.ci[1]).toBeCloseTo(high, 5);
  });

  test('a person asked in two runs is one person: the interval rests on the people, not the answers', () => {
    const asked = (agent: string, choice: string) => answer(agent, choice, { persona: { department: 'sales' } });
    const once = [asked('a1', 'office'), asked('a2', 'office'), asked('a3', 'remote'), asked('a4', 'remote')];
    const runs = [
      { run: 'base-r1', variant: 'base', survey: [round(0, 3, once)] },
      { run: 'base-r2', variant: 'base', survey: [round(0, 3, once)] },
    ] as unknown as RunMetrics[];
    const experiment = { variants: [{ name: 'base', outcome: { seed: 1 } }], survey: [{ question: QUESTION, ask: { all: true } }] } as unknown as Experiment;
    const [cell] = surveyByAttribute(experiment, runs)[0]?.cells ?? [];
    expect(cell).toMatchObject({ n: 8, people: 4 });
    expect(cell?.choices?.office).toMatchObject({ count: 4, share: 0.5 });
    // Wilson(2, 4), not Wilson(4, 8): the second run repeats the first four people.
    expect(cell?.choices?.office?.ci[0]).toBeCloseTo(wilsonInterval(2, 4)[0], 5);
    expect(cell?.choices?.office?.ci[0]).toBeLessThan(wilsonInterval(4, 8)[0]);
  });
});
