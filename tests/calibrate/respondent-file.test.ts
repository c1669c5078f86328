import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { realAnswers } from '../../src/calibrate/calibrate-org.js';
import { readReference } from '../../src/calibrate/reference-file.js';
import { kishEffectiveSize, scaleCounts } from '../../src/statistics/effective-size.js';
import { tempDir } from '../helpers/temp-org.js';

const QUESTIONS = 'questions:\n  - { id: mood, text: How happy are you?, options: [happy, unhappy] }\n  - { id: legal, text: Legal?, options: [yes, no] }\n';

function reference(csv: string, extra = 'weight: copies\n'): string {
  const folder = tempDir();
  writeFileSync(join(folder, 'people.yaml'), `name: people\nrespondents: people.csv\n${extra}${QUESTIONS}`);
  writeFileSync(join(folder, 'people.csv'), csv);
  return join(folder, 'people.yaml');
}

describe('a respondent-level reference: one row a person', () => {
  it('reads each person once with their weight, attributes and answers, and makes the group counts at the effective size', () => {
    // Three people: one drawn 3 times (a weighted resample's copies), two once; one was not asked `legal`.
    const read = readReference(reference('person,copies,sex,mood,legal\na,3,female,happy,yes\nb,1,male,unhappy,\nc,1,female,happy,no\n'));
    expect(read.people).toEqual([
      { id: 'a', weight: 3, attributes: { sex: 'female' }, answers: { mood: 'happy', legal: 'yes' } },
      { id: 'b', weight: 1, attributes: { sex: 'male' }, answers: { mood: 'unhappy' } },
      { id: 'c', weight: 1, attributes: { sex: 'female' }, answers: { mood: 'happy', legal: 'no' } },
    ]);
    // Five rows of three people are worth (3+1+1)²/(9+1+1) = 2.27 people, not five: the counts sum to 2.
    expect(read.effectiveSize!.mood).toBeCloseTo(25 / 11, 12);
    expect(read.weightedSize).toEqual({ mood: 5, legal: 4 });
    const mood = read.questions[0]!;
    expect(realAnswers(read, mood, { label: 'all' })).toEqual([2, 0]);
    expect(read.counts).toBe(true);
    expect(read.attributes).toEqual(['sex']);
  });

  it('the shipped GSS 2018 extract: 1,322 people of 2,238 rows, whose copies-weighted counts are answers.csv cell for cell', () => {
    const people = readReference('data/gss-2018/respondents.yaml');
    expect(people.people).toHaveLength(1322);
    expect(people.people!.reduce((sum, person) => sum + person.weight, 0)).toBe(2238);
    expect(Math.max(...people.people!.map((person) => person.weight))).toBe(10);
    expect(people.attributes).toEqual(['sex', 'degree']);
    const counted = new Map<string, number>();
    for (const person of people.people!) {
      for (const question of ['happy', 'satfin', 'grass']) {
        const answer = person.answers[question];
        if (answer === undefined) continue;
        const key = [question, answer, person.attributes.sex, person.attributes.degree].join(',');
        counted.set(key, (counted.get(key) ?? 0) + person.weight);
      }
    }
    const shipped = readFileSync('data/gss-2018/answers.csv', 'utf8').trim().split('\n').slice(1);
    expect(shipped).toHaveLength(counted.size);
    for (const line of shipped) {
      const [question, option, count, sex, degree] = line.split(',');
      expect(counted.get([question, option, sex, degree].join(',')), line).toBe(Number(count));
    }
    // grass was asked of two ballots of three: 62 % of the rows.
    expect(people.weightedSize!.grass! / 2238).toBeCloseTo(0.62, 2);
    // The real side is resampled at what the weighted people are worth: 946 for happy, not its 2,234 rows.
    expect(Math.round(people.effectiveSize!.happy!)).toBe(946);
    expect(realAnswers(people, people.questions[0]!, { label: 'all' }).reduce((sum, count) => sum + count, 0)).toBe(946);
  });

  it('refuses a person given twice, an answer that is not an option, a missing weight column, and both forms at once, naming file, line and a valid value', () => {
    expect(() => readReference(reference('person,copies,sex,mood,legal\na,1,female,happy,yes\na,1,male,happy,no\n'))).toThrow(/people\.csv: line 3: person: "a" is given twice; one row a person/);
    expect(() => readReference(reference('person,copies,sex,mood,legal\na,1,female,glad,yes\n'))).toThrow(/people\.csv: line 2: mood: "glad" is not an option of mood; use one of happy, unhappy/);
    expect(() => readReference(reference('person,sex,mood,legal\na,female,happy,yes\n'))).toThrow(/people\.csv: line 1: no column "copies", which the reference's `weight:` names/);
    expect(() => readReference(reference('person,copies,sex,mood,legal\na,0,female,happy,yes\n'))).toThrow(/line 2: copies: "0": a weight is a number above 0/);
    expect(() => readReference(reference('person,copies,sex,mood,legal\na,1,female,happy,yes\n', 'weight: copies\nanswers: answers.csv\n'))).toThrow(/people\.yaml: respondents: give `answers:` \(counts by group\) or `respondents:` \(one row a person\), not both/);
    const counts = tempDir();
    writeFileSync(join(counts, 'ref.yaml'), `name: r\nanswers: answers.csv\nweight: copies\n${QUESTIONS}`);
    writeFileSync(join(counts, 'answers.csv'), 'question,option,count\nmood,happy,3\nlegal,yes,2\n');
    expect(() => readReference(join(counts, 'ref.yaml'))).toThrow(/ref\.yaml: weight: goes with `respondents:` \(one row a person\)/);
  });

  it('Kish effective size and counts scaled to it', () => {
    expect(kishEffectiveSize([1, 1, 1, 1])).toBe(4);
    expect(kishEffectiveSize([10, 1])).toBeCloseTo(121 / 101, 12);
    expect(scaleCounts([3, 1, 1], 2.27)).toEqual([1, 1, 0]);
    expect(scaleCounts([5, 5, 1], 10)).toEqual([5, 4, 1]);
    expect(scaleCounts([1, 2, 3], 600).reduce((a, b) => a + b, 0)).toBe(600);
  });
});
