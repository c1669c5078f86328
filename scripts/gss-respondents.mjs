#!/usr/bin/env node
// @ts-check
/**
 * Makes data/gss-2018/respondents.csv, the respondent-level extract `lemming calibrate --people`
 * reads, from Mac-STAT/data's gss_sample.csv (commit 44ed6be): one row a distinct person of 2018,
 * how many times the resample drew them, who they are and what they answered.
 *
 * gss_sample.csv is a weighted resample (rows drawn with replacement by the GSS weights), so a person
 * stands in as many rows as they were drawn: rows equal on all 50 columns are one person, kept once,
 * with `copies` their number of rows (the resample's weight). Answers the GSS does not count as one
 * (iap: not asked; don't know; no answer; refused) are empty cells. `degree` is grouped as answers.csv
 * groups it, so the copies-weighted counts of respondents.csv are answers.csv's, cell for cell
 * (tests/calibrate/respondent-file.test.ts holds it).
 *
 * Usage: node scripts/gss-respondents.mjs PATH/TO/gss_sample.csv > data/gss-2018/respondents.csv
 * (git clone https://github.com/Mac-STAT/data; the file is at its root). Same input, same bytes.
 */
import { readFileSync } from 'node:fs';

/** The questions kept, with the options the GSS counts (any other value is no answer). */
const QUESTIONS = {
  happy: ['very happy', 'pretty happy', 'not too happy'],
  satfin: ['pretty well satisfied', 'more or less satisfied', 'not satisfied at all'],
  grass: ['should be legal', 'should not be legal'],
  health: ['excellent', 'good', 'fair', 'poor'],
  class: ['lower class', 'working class', 'middle class', 'upper class'],
  polviews: ['extremely liberal', 'liberal', 'slightly liberal', 'moderate, middle of the road', 'slightly conservative', 'conservative', 'extremely conservative'],
  gunlaw: ['favor', 'oppose'],
  fear: ['yes', 'no'],
  postlife: ['yes', 'no'],
  courts: ['too harshly', 'about right', 'not harshly enough'],
  fefam: ['strongly agree', 'agree', 'disagree', 'strongly disagree'],
  consci: ['a great deal', 'only some', 'hardly any'],
};

/** Split one CSV line into cells: commas, double quotes around a cell, `""` for a quote inside one. */
function cells(line) {
  const out = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index];
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      out.push(cell);
      cell = '';
    } else cell += char;
  }
  out.push(cell);
  return out;
}

/** A cell as CSV writes it: quoted when it holds a comma or a quote. */
function quote(value) {
  return /[",]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function ageBand(age) {
  const years = Number(age);
  if (!Number.isFinite(years)) return '';
  return years < 30 ? '18-29' : years < 45 ? '30-44' : years < 65 ? '45-64' : '65 and over';
}

function degreeGroup(degree) {
  if (degree === 'less than high school' || degree === 'high school') return 'high school or less';
  if (degree === 'associate/junior college' || degree === "bachelor's" || degree === 'graduate') return 'college';
  return '';
}

const path = process.argv[2];
if (!path) {
  process.stderr.write('usage: node scripts/gss-respondents.mjs PATH/TO/gss_sample.csv > data/gss-2018/respondents.csv\n');
  process.exit(2);
}
const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
const header = cells(lines[0] ?? '');
const at = (name) => {
  const index = header.indexOf(name);
  if (index < 0) throw new Error(`${path}: no column ${name}`);
  return index;
};
/** Each distinct 2018 row (all 50 columns), in the order first met, with its number of copies. */
const people = new Map();
for (const line of lines.slice(1)) {
  const row = cells(line);
  if (row[at('year')] !== '2018') continue;
  const key = row.join('\u0000');
  const found = people.get(key);
  if (found) found.copies += 1;
  else people.set(key, { row, copies: 1 });
}
const attributes = ['sex', 'degree', 'age', 'race', 'region', 'marital'];
const out = [['person', 'copies', ...attributes, ...Object.keys(QUESTIONS)].join(',')];
let number = 0;
for (const { row, copies } of people.values()) {
  number += 1;
  const values = {
    sex: row[at('sex')] === 'female' || row[at('sex')] === 'male' ? row[at('sex')] : '',
    degree: degreeGroup(row[at('degree')]),
    age: ageBand(row[at('age')]),
    race: row[at('race')],
    region: row[at('region')],
    marital: ['married', 'never married', 'divorced', 'widowed', 'separated'].includes(row[at('marital')]) ? row[at('marital')] : '',
  };
  const answers = Object.entries(QUESTIONS).map(([question, options]) => (options.includes(row[at(question)]) ? row[at(question)] : ''));
  out.push([`p${String(number).padStart(4, '0')}`, String(copies), ...attributes.map((name) => values[name]), ...answers].map(quote).join(','));
}
process.stdout.write(`${out.join('\n')}\n`);
