import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { readTablesFolder } from '../helpers/read-csv.js';
import { defaultOrg, REPO_ROOT } from '../helpers/temp-org.js';

/*
 * `lemming calibrate REFERENCE --people N --csv DIR` on the GSS 2018's respondents and the offline
 * model, as docs/validation.md shows it. Before, `--csv` was taken and ignored: no table, no line.
 * Each figure of the tables is recounted from the rows under it (a person's accuracy from their
 * answers, a figure over people from the people), and held to people.json; the research credits to
 * the ledger's research lines.
 */

interface Estimate {
  value: number;
  interval: [number, number];
  people: number;
  effective?: number;
}

const share = (rows: ReadonlyArray<Record<string, string>>, test: (row: Record<string, string>) => boolean): number => rows.filter(test).length / rows.length;

test('calibrate --people --csv writes the figures, the people and their answers, each recounted from the one below', () => {
  const root = defaultOrg();
  const folder = join(root, 'tables');
  const result = lemming(root, ['calibrate', join(REPO_ROOT, 'data/gss-2018/respondents.yaml'), '--people', '8', '--held-out', '2', '--csv', folder]);
  expect(result.status, result.stderr).toBe(0);
  expect(result.stderr).toContain(`wrote 5 table file(s) to ${folder}/: people_figures.csv, people.csv, people_answers.csv, provenance.csv, dictionary.csv`);
  const study = JSON.parse(readFileSync(join(root, 'calibration/gss-2018-people/people.json'), 'utf8')) as {
    credits: number;
    calls: number;
    persons: Array<{ person: string; agent: string; accuracy: number }>;
    summary: Record<string, Estimate | number | string>;
  };
  const tables = readTablesFolder(folder);
  const people = tables.people ?? [];
  const answers = tables.people_answers ?? [];

  // One row an answer: 8 people, 2 held-out questions each, three calls a question (the agent twice, the floor once).
  expect(answers).toHaveLength(16);
  expect(study.calls).toBe(3 * answers.length);
  expect(people.map((row) => [row.person, row.agent])).toEqual(study.persons.map((person) => [person.person, person.agent]));
  for (const person of people) {
    const own = answers.filter((row) => row.person === person.person);
    expect(own).toHaveLength(2);
    expect(Number(person.held_out)).toBe(2);
    expect(Number(person.accuracy), person.person).toBe(share(own, (row) => row.first === row.truth));
    expect(Number(person.floor), person.person).toBe(share(own, (row) => row.floor === row.truth));
    expect(Number(person.model_retest), person.person).toBe(share(own, (row) => row.first === row.second));
    expect(Number(person.commonest), person.person).toBe(share(own, (row) => row.commonest === row.truth));
  }

  // A figure over people: the mean of the people's rows, its interval and n as people.json gives them.
  const figures = new Map((tables.people_figures ?? []).map((row) => [row.figure, row]));
  const mean = (column: string): number => people.reduce((sum, row) => sum + Number(row[column]), 0) / people.length;
  for (const [figure, column, key] of [
    ['accuracy', 'accuracy', 'accuracy'],
    ['floor', 'floor', 'floor'],
    ['commonest', 'commonest', 'commonest'],
    ['model_retest', 'model_retest', 'modelRetest'],
  ] as const) {
    const row = figures.get(figure);
    const estimate = study.summary[key] as Estimate;
    expect(Number(row?.value), figure).toBeCloseTo(mean(column), 12);
    expect([row?.value, row?.low, row?.high, row?.n].map(Number), figure).toEqual([estimate.value, ...estimate.interval, 8]);
  }
  expect(Number(figures.get('accuracy_weighted')?.effective)).toBe((study.summary.accuracyWeighted as Estimate).effective);
  expect(Number(figures.get('chance')?.value)).toBeCloseTo(mean('chance'), 12);
  expect(figures.get('chance')?.low).toBe('');

  // The research credits: the ledger's research lines of this study, added in billionths.
  const ledger = readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8').split('\n').filter((line) => line.includes('"calibrate-people"'));
  expect(ledger).toHaveLength(study.calls);
  expect(study.credits).toBe(ledger.reduce((sum, line) => sum + Math.round((JSON.parse(line) as { credits: number }).credits * 1e9), 0) / 1e9);
});
