import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibratePeople } from '../../src/calibrate/calibrate-people.js';
import { calibrateCommand } from '../../src/cli/commands/calibrate.js';
import { commonestWithout, weightedAnswers } from '../../src/calibrate/individual-plan.js';
import { readReference } from '../../src/calibrate/reference-file.js';
import { meanOverPeople, scorePerson, summarisePeople, type HeldOutAnswer, type IndividualSummary } from '../../src/calibrate/individual-statistics.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import { streamSeed } from '../../src/random/seeded-random.js';
import { intervalCoverage } from '../../src/statistics/coverage.js';
import { ScriptedProvider } from '../helpers/scripted-provider.js';
import { defaultOrg, tempDir } from '../helpers/temp-org.js';

const PEOPLE = 40;
const QUESTIONS = ['q1', 'q2', 'q3', 'q4', 'q5', 'q6'];

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/**
 * A simulated truth: PEOPLE people of two kinds, one answering `yes` to every question, the other `no`
 * (a person's own answers predict their others; their `sex` predicts nothing); each has a `code` an
 * oracle model can look their answers up by. Everyone answered every question but person 1 (q6 left empty).
 */
function truthReference(retest?: (index: number, question: string, answer: string) => string): string {
  const folder = tempDir();
  write(folder, 'people.yaml', ['name: truth', 'respondents: people.csv', ...(retest ? ['retest: retest.csv'] : []), 'weight: copies', 'questions:', ...QUESTIONS.map((id) => `  - { id: ${id}, text: "Question ${id}: do you agree?", options: ["yes", "no"] }`), ''].join('\n'));
  if (retest) {
    // The same people interviewed again: each answers as `retest` says.
    const again = [`person,${QUESTIONS.join(',')}`, ...Array.from({ length: PEOPLE }, (_, index) => `r${index},${QUESTIONS.map((id) => retest(index, id, index % 2 === 0 ? 'yes' : 'no')).join(',')}`)];
    write(folder, 'retest.csv', `${again.join('\n')}\n`);
  }
  const rows = [`person,copies,sex,code,${QUESTIONS.join(',')}`];
  for (let index = 0; index < PEOPLE; index += 1) {
    const answer = index % 2 === 0 ? 'yes' : 'no';
    rows.push(`r${index},${1 + (index % 3)},${index % 4 < 2 ? 'female' : 'male'},c${index},${QUESTIONS.map((id) => (index === 1 && id === 'q6' ? '' : answer)).join(',')}`);
  }
  write(folder, 'people.csv', `${rows.join('\n')}\n`);
  return join(folder, 'people.yaml');
}

function promptOf(request: ProviderRequest): string {
  return [request.system, ...request.messages.map((message) => (typeof message.content === 'string' ? message.content : ''))].join('\n');
}

function questionOf(request: ProviderRequest): string {
  return /Question (q\d)/.exec(promptOf(request))![1]!;
}

/** A model that answers from what the prompt tells it: `answer(prompt, agent, question, call)` gives the first line. */
function model(answer: (prompt: string, agent: string, question: string, call: number) => string) {
  let calls = 0;
  return () => new ScriptedProvider((request) => ({ text: `${answer(promptOf(request), request.agent ?? '', questionOf(request), (calls += 1))}\nAs I would.` }));
}

const coin = (key: string): string => (streamSeed(11, key) / 2 ** 32 < 0.5 ? 'yes' : 'no');

describe('people one by one: each agent scored against its own person', () => {
  it("an oracle that answers as its own person scores accuracy 1, and normalised 1 by its people's own retest where the reference holds one; the model's retest is the same question again; each call a research line", async () => {
    const root = defaultOrg();
    const truth = new Map(Array.from({ length: PEOPLE }, (_, index) => [`c${index}`, index % 2 === 0 ? 'yes' : 'no']));
    const oracle = model((prompt) => truth.get(/code: (c\d+)/.exec(prompt)![1]!)!);
    const study = await calibratePeople(root, truthReference(), { people: 12, heldOut: 2, seed: 5, providerFor: oracle });
    expect(study.people).toBe(12);
    expect(study.calls).toBe(12 * 2 * 3);
    expect(study.summary!.accuracy.value).toBe(1);
    expect(study.summary!.accuracyWeighted.value).toBe(1);
    expect(study.summary!.modelRetest.value).toBe(1);
    // No second interview of these people: nothing is normalised.
    expect(study.summary!.normalised).toBeUndefined();
    expect(study.summary!.accuracy.people).toBe(12);
    expect(study.summary!.chance).toBe(0.5);
    // Each person's held-out questions are ones they answered, and the agent was not told those answers.
    for (const person of study.persons) {
      expect(person.answers).toHaveLength(2);
      expect(person.given.filter((id) => person.answers.some((answer) => answer.question === id))).toEqual([]);
    }
    const ledger = readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; purpose?: string });
    expect(ledger.filter((line) => line.purpose === 'calibrate-people')).toHaveLength(study.calls);
    const report = readFileSync(join(study.folder!, 'people.md'), 'utf8');
    expect(report).toContain('| accuracy | 1.000');
    expect(report).toContain('Park et al. (2024) report 85 %');
  }, 60_000);

  it("a model that infers from the person's given answers beats the floor (attributes only), which sits at chance", async () => {
    // It answers what the prompt says the person answered before; told nothing, it tosses a coin.
    const reader = model((prompt, agent, question) => /You answered: (yes|no)\./.exec(prompt)?.[1] ?? coin(`${agent} ${question}`));
    const study = await calibratePeople(defaultOrg(), truthReference(), { people: PEOPLE, heldOut: 2, seed: 2, providerFor: reader });
    const summary = study.summary!;
    expect(summary.accuracy.value).toBe(1);
    expect(summary.floor.interval[0]).toBeLessThanOrEqual(0.5);
    expect(summary.floor.interval[1]).toBeGreaterThanOrEqual(0.5);
    expect(summary.overFloor.interval[0]).toBeGreaterThan(0.2);
    const prompts: string[] = [];
    await calibratePeople(defaultOrg(), truthReference(), { people: 2, heldOut: 2, seed: 2, providerFor: model((prompt) => (prompts.push(prompt), 'yes')) });
    // The floor agent's prompt has the person's attributes and none of their answers.
    expect(prompts.some((prompt) => prompt.includes('sex: ') && !prompt.includes('You answered'))).toBe(true);
  }, 60_000);

  it('a model answering at random scores near 1/k, its interval holding 1/k, its retest near 1/k too', async () => {
    const random = model((_prompt, agent, question, call) => coin(`${agent} ${question} ${call}`));
    const study = await calibratePeople(defaultOrg(), truthReference(), { people: PEOPLE, heldOut: 3, seed: 9, providerFor: random });
    const { accuracy, modelRetest: retest } = study.summary!;
    expect(accuracy.interval[0]).toBeLessThanOrEqual(0.5);
    expect(accuracy.interval[1]).toBeGreaterThanOrEqual(0.5);
    expect(Math.abs(accuracy.value - 0.5)).toBeLessThan(0.15);
    expect(Math.abs(retest.value - 0.5)).toBeLessThan(0.15);
  }, 60_000);

  it("the headline score orders a perfect, a half-random and a uniformly random model as their skill does: the model's own retest is a row of its own, never a divisor", async () => {
    const truth = new Map(Array.from({ length: PEOPLE }, (_, index) => [`c${index}`, index % 2 === 0 ? 'yes' : 'no']));
    const perfect = model((prompt) => truth.get(/code: (c\d+)/.exec(prompt)![1]!)!);
    // Half the time it answers as the person did, half the time it tosses a coin: asked again, it often says otherwise.
    const halfRandom = model((prompt, agent, question, call) => (coin(`half ${agent} ${question} ${call}`) === 'yes' ? truth.get(/code: (c\d+)/.exec(prompt)![1]!)! : coin(`${agent} ${question} ${call}`)));
    const uniform = model((_prompt, agent, question, call) => coin(`${agent} ${question} ${call}`));
    const scores = [];
    for (const providerFor of [perfect, halfRandom, uniform]) {
      const study = await calibratePeople(defaultOrg(), truthReference(), { people: PEOPLE, heldOut: 4, seed: 3, providerFor });
      scores.push(study.summary!);
    }
    const [best, half, worst] = scores as [IndividualSummary, IndividualSummary, IndividualSummary];
    // The headline is accuracy read against the baselines; each model is farther above everyone's commonest answer than the next.
    expect(best.accuracy.value).toBeGreaterThan(half.accuracy.value);
    expect(half.accuracy.value).toBeGreaterThan(worst.accuracy.value);
    expect(best.overCommonest.value).toBeGreaterThan(half.overCommonest.value);
    expect(half.overCommonest.value).toBeGreaterThan(worst.overCommonest.value);
    expect(best.accuracy.interval[0]).toBeGreaterThan(worst.accuracy.interval[1]);
    // The model's own retest falls with its noise and is shown as such; there is no human retest here, so nothing is normalised.
    expect(best.modelRetest.value).toBe(1);
    expect(half.modelRetest.value).toBeLessThan(1);
    for (const summary of scores) expect(summary.normalised).toBeUndefined();
    // Where the people were interviewed again (each changing one answer in six the second time), accuracy is divided by
    // their retest, which no model moves: the order holds there too, and the perfect model's figure is above 1.
    const flip = (index: number, question: string, answer: string): string => (QUESTIONS[index % QUESTIONS.length] === question ? (answer === 'yes' ? 'no' : 'yes') : answer);
    const normalised = [];
    for (const providerFor of [perfect, halfRandom, uniform]) {
      const study = await calibratePeople(defaultOrg(), truthReference(flip), { people: PEOPLE, heldOut: 4, seed: 3, providerFor });
      normalised.push(study.summary!);
    }
    const [perfectRetested, halfRetested, uniformRetested] = normalised as [IndividualSummary, IndividualSummary, IndividualSummary];
    expect(perfectRetested.humanRetest!.value).toBeLessThan(1);
    expect(perfectRetested.humanRetest!.value).toBe(halfRetested.humanRetest!.value);
    expect(perfectRetested.normalised!.value).toBeGreaterThan(1);
    expect(perfectRetested.normalised!.value).toBeGreaterThan(halfRetested.normalised!.value);
    expect(halfRetested.normalised!.value).toBeGreaterThan(uniformRetested.normalised!.value);
    expect(perfectRetested.normalisedPerPerson!.people).toBeGreaterThan(0);
  }, 240_000);

  it("a retest file naming a person the respondents' file lacks is refused, naming the file, the line and a valid person", () => {
    const folder = dirname(truthReference((index, _question, answer) => answer));
    writeFileSync(join(folder, 'retest.csv'), `person,${QUESTIONS.join(',')}\nr0,yes,yes,yes,yes,yes,yes\nstranger,no,no,no,no,no,no\n`);
    expect(() => readReference(join(folder, 'people.yaml'))).toThrow(/retest\.csv: line 3: person: "?stranger"? is not a person of the respondents' file; a retest row names a person interviewed the first time, for example "r0"/);
  });

  it('the weighted accuracy counts each person by their weight; the plain one each person once', () => {
    const answer = (right: boolean): HeldOutAnswer => ({ question: 'q1', truth: 'yes', options: 2, first: right ? 'yes' : 'no', second: right ? 'yes' : 'no', floor: 'no' });
    const scores = [scorePerson('a', 3, [answer(true)]), scorePerson('b', 1, [answer(false)]), scorePerson('c', 1, [answer(false)]), scorePerson('d', 3, [answer(true)])];
    const summary = summarisePeople(scores);
    expect(summary.accuracy.value).toBe(0.5);
    expect(summary.accuracyWeighted.value).toBe(0.75);
    expect(summary.modelRetest.value).toBe(1);
    expect(summary.normalised).toBeUndefined();
    // Worked by hand: residuals w·(a − 0.75)/2 are 0.375, −0.375, −0.375, 0.375 (sd 0.433); the weights' Kish size is
    // 8²/20 = 3.2 people, so t(0.975, 2.2) = 3.9487 (SciPy): ± 0.855, so [−0.105, 1.605]: past both ends of a share, cut at 0 and 1.
    expect(0.75 - 3.948721 * (Math.sqrt(0.1875) / 2)).toBeCloseTo(-0.10492, 5);
    expect(summary.accuracyWeighted.effective).toBeCloseTo(3.2, 12);
    expect(summary.accuracyWeighted.interval).toEqual([0, 1]);
    expect(summary.accuracyWeighted.cutAt).toEqual([0, 1]);
  });

  it("accuracy's t interval over people holds the truth about 95 % of the time (seeded trials of simulated people)", () => {
    // Each simulated person: 4 held-out questions of 3 options, answered right with their own chance (mean 0.45).
    const coverage = intervalCoverage(0.45, 200, 17, (next) => {
      const scores = Array.from({ length: 20 }, (_, person) => {
        const chance = 0.2 + 0.5 * next();
        const answers: HeldOutAnswer[] = Array.from({ length: 4 }, (__, index) => {
          const right = next() < chance;
          return { question: `q${index}`, truth: 'a', options: 3, first: right ? 'a' : 'b', second: right ? 'a' : 'b', floor: 'c' };
        });
        return scorePerson(`p${person}`, 1, answers);
      });
      return meanOverPeople(scores.map((score) => score.accuracy)).interval;
    });
    expect(coverage.shareInterval[0]).toBeLessThanOrEqual(0.95);
    expect(coverage.shareInterval[1]).toBeGreaterThanOrEqual(0.95);
  });

  it("the weighted accuracy's interval holds the weighted truth about 95 % of the time, where the weights and accuracy go together", () => {
    // People of weight 1 are right a quarter of the time, of weight 4 three quarters: half and half, the weighted truth is (0.25 + 4·0.75)/5 = 0.65.
    const coverage = intervalCoverage(0.65, 200, 23, (next) => {
      const scores = Array.from({ length: 30 }, (_, person) => {
        const heavy = next() < 0.5;
        const answers: HeldOutAnswer[] = Array.from({ length: 4 }, (__, index) => {
          const right = next() < (heavy ? 0.75 : 0.25);
          return { question: `q${index}`, truth: 'a', options: 3, first: right ? 'a' : 'b', second: right ? 'a' : 'b', floor: 'c' };
        });
        return scorePerson(`p${person}`, heavy ? 4 : 1, answers);
      });
      return summarisePeople(scores).accuracyWeighted.interval;
    });
    expect(coverage.shareInterval[0]).toBeLessThanOrEqual(0.95);
    expect(coverage.shareInterval[1]).toBeGreaterThanOrEqual(0.95);
  });

  it('the offline model runs end to end on the shipped GSS 2018 extract', async () => {
    const study = await calibratePeople(defaultOrg(), 'data/gss-2018/respondents.yaml', { people: 20, heldOut: 4, seed: 1 });
    expect(study.people).toBe(20);
    expect(study.eligible).toBeGreaterThan(1200);
    expect(study.calls).toBe(20 * 4 * 3);
    expect(study.summary!.accuracy.people).toBe(20);
    expect(study.summary!.unreadable).toBe(0);
    // The offline model answers alike when asked again: its retest is 1; the GSS 2018 holds no retest of its people, so nothing is normalised.
    expect(study.summary!.modelRetest.value).toBe(1);
    expect(study.summary!.normalised).toBeUndefined();
    expect(readFileSync(join(study.folder!, 'people.json'), 'utf8')).toContain('"weight": ');
  }, 60_000);

  it("everyone else's commonest answer leaves the person out and counts each person by their weight", () => {
    const reference = readReference(truthReference());
    const totals = weightedAnswers(reference);
    // 20 yes and 20 no people, each weighted 1 + index % 3: yes 40 against no 39.
    expect(totals.get('q1')).toEqual(new Map([['yes', 40], ['no', 39]]));
    const [, r1, r2] = reference.people!;
    // Without r2 (yes, weight 3) no leads 39 to 37; without r1 (no, weight 2) yes leads 40 to 37.
    expect(commonestWithout(totals, r2!, 'q1')).toBe('no');
    expect(commonestWithout(totals, r1!, 'q1')).toBe('yes');
  });

  it('--held-out and --model without --people are refused, exit 2, before anything is asked', async () => {
    const lines: string[] = [];
    const output = { out: (line: string) => lines.push(line), err: (line: string) => lines.push(line) };
    await expect(calibrateCommand(defaultOrg(), 'data/gss-2018/respondents.yaml', { heldOut: 2 }, output)).rejects.toMatchObject({ exitCode: 2, message: '--held-out and --model go with --people N: they say how each person is asked' });
    expect(lines).toEqual([]);
  });

  it('refuses --people on a reference of group counts, naming a respondent-level one', async () => {
    await expect(calibratePeople(defaultOrg(), 'data/gss-2018/reference.yaml', { people: 5, heldOut: 2 })).rejects.toThrow(/--people needs a respondent-level reference \(`respondents:`, one row a person\), as data\/gss-2018\/respondents\.yaml is/);
  });
});
