import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LemmingError } from '../errors.js';
import { yaml } from '../lazy-modules.js';
import { choiceProblem } from '../mailbox/survey-markup.js';

/** One question of a reference: what people were asked, the options in their order, and whether that order means something. */
export interface ReferenceQuestion {
  id: string;
  text: string;
  options: string[];
  /** The options are ordered (very happy … not too happy): distances are Wasserstein; else total variation. */
  ordered: boolean;
}

/** One row of real answers: how many people (or what share of a group) gave an option, and who they were. */
export interface ReferenceRow {
  question: string;
  option: string;
  /** People who gave this answer; absent when the file gives shares. */
  count?: number;
  share?: number;
  /** The respondents' attributes (the file's other columns), by name; an empty cell is no value. */
  attributes: Record<string, string>;
}

/** A file of real answers (`reference:`, `lemming calibrate`), read and checked. */
export interface Reference {
  file: string;
  name: string;
  source?: string;
  licence?: string;
  questions: ReferenceQuestion[];
  rows: ReferenceRow[];
  /** The attribute columns of the answers, in the file's order. */
  attributes: string[];
  /** Rows give counts (so the real side can be resampled and split in halves), not shares. */
  counts: boolean;
}

const EXAMPLE = `name: gss-2018
answers: answers.csv        # rows: question,option,count (or share),attribute columns...
questions:
  - id: happy
    text: Taken all together, how would you say things are these days?
    options: [very happy, pretty happy, not too happy]
    ordered: true`;

/** Why a file could not be read, in words: missing, a folder, or what the system said. */
function unread(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'there is no such file';
  if (code === 'EISDIR') return 'is a folder, not a file';
  return `could not be read (${code ?? (error instanceof Error ? error.message : String(error))})`;
}

function invalid(file: string, where: string, message: string): LemmingError {
  return new LemmingError('reference-invalid', `${file}: ${where}: ${message}`, { exitCode: 2 });
}

/** Split one CSV line into cells: commas, double quotes around a cell, `""` for a quote inside one. Pure. */
export function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index]!;
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  cells.push(cell);
  return cells.map((value) => value.trim());
}

function readQuestions(file: string, value: unknown): ReferenceQuestion[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid(file, 'questions', `give a list of questions, for example:\n${EXAMPLE}`);
  const seen = new Set<string>();
  return value.map((item: unknown, index) => {
    const where = `questions.${index}`;
    if (typeof item !== 'object' || item === null) throw invalid(file, where, 'each question is a mapping with `id`, `text`, `options` and `ordered`');
    const fields = item as Record<string, unknown>;
    if (typeof fields.id !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(fields.id)) throw invalid(file, `${where}.id`, 'a question id is lowercase letters, digits, "_" or "-", as the answers file names it, for example `id: happy`');
    if (seen.has(fields.id)) throw invalid(file, `${where}.id`, `${JSON.stringify(fields.id)} is given twice; each question once`);
    seen.add(fields.id);
    if (typeof fields.text !== 'string' || fields.text.trim() === '') throw invalid(file, `${where}.text`, 'the question as people were asked it, for example `text: Taken all together, how would you say things are these days?`');
    const options = fields.options;
    if (!Array.isArray(options) || options.length < 2 || !options.every((option) => typeof option === 'string')) throw invalid(file, `${where}.options`, 'at least two options, in their order, for example `options: [very happy, pretty happy, not too happy]`');
    for (const option of options as string[]) {
      const problem = choiceProblem(option);
      if (problem) throw invalid(file, `${where}.options`, `${JSON.stringify(option)}: ${problem}`);
    }
    if (new Set(options).size !== options.length) throw invalid(file, `${where}.options`, 'an option is given twice');
    if (fields.ordered !== undefined && typeof fields.ordered !== 'boolean') throw invalid(file, `${where}.ordered`, 'true when the options are in an order that means something (very happy … not too happy), false when not (the default)');
    return { id: fields.id, text: fields.text.trim(), options: options as string[], ordered: fields.ordered === true };
  });
}

function readRows(file: string, csv: string, questions: ReadonlyMap<string, ReferenceQuestion>): { rows: ReferenceRow[]; attributes: string[]; counts: boolean } {
  const lines = csv.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = csvCells(lines[0] ?? '');
  const column = (name: string): number => header.indexOf(name);
  if (column('question') < 0 || column('option') < 0 || (column('count') < 0) === (column('share') < 0)) {
    throw invalid(file, 'line 1', `the header names the columns: \`question,option,count\` (or \`share\` instead of \`count\`), then one column per respondent attribute, for example \`question,option,count,sex,degree\`; this one is ${JSON.stringify(header.join(','))}`);
  }
  const counts = column('count') >= 0;
  const attributes = header.filter((name) => !['question', 'option', 'count', 'share'].includes(name));
  for (const name of attributes) if (!/^[a-z][a-z0-9_]{0,63}$/.test(name)) throw invalid(file, 'line 1', `attribute column ${JSON.stringify(name)}: an attribute is named as in a resume's persona: lower case, a letter first, for example \`sex\``);
  const rows = lines.slice(1).map((line, index) => {
    const where = `line ${index + 2}`;
    const cells = csvCells(line);
    if (cells.length !== header.length) throw invalid(file, where, `has ${cells.length} cells where the header has ${header.length}`);
    const question = questions.get(cells[column('question')]!);
    if (!question) throw invalid(file, `${where}: question`, `${JSON.stringify(cells[column('question')])} is not a question of the reference; use one of ${[...questions.keys()].join(', ')}`);
    const option = cells[column('option')]!;
    if (!question.options.includes(option)) throw invalid(file, `${where}: option`, `${JSON.stringify(option)} is not an option of ${question.id}; use one of ${question.options.join(', ')}`);
    const amount = Number(cells[column(counts ? 'count' : 'share')]);
    if (counts ? !Number.isInteger(amount) || amount < 0 : !(amount >= 0 && amount <= 1)) throw invalid(file, `${where}: ${counts ? 'count' : 'share'}`, counts ? `${JSON.stringify(cells[column('count')])}: a count is a whole number of people, 0 or more, for example 197` : `${JSON.stringify(cells[column('share')])}: a share is a number from 0 to 1, for example 0.27`);
    const values: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const name of attributes) if (cells[column(name)] !== '') values[name] = cells[column(name)]!;
    return { question: question.id, option, ...(counts ? { count: amount } : { share: amount }), attributes: values };
  });
  return { rows, attributes, counts };
}

/**
 * Read a reference: a YAML file naming the questions (their text, options in order, whether ordered)
 * and a CSV of real answers beside it (`question,option,count` or `share`, then a column per respondent
 * attribute). Every problem names the file, the field or line, and a valid value.
 */
export function readReference(path: string): Reference {
  const file = path;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new LemmingError('reference-missing', `${file}: ${unread(error)}; a reference is YAML like:\n${EXAMPLE}`, { exitCode: 2 });
  }
  let value: unknown;
  try {
    value = yaml().parse(text);
  } catch (error) {
    throw invalid(file, 'YAML', error instanceof Error ? error.message : String(error));
  }
  if (typeof value !== 'object' || value === null) throw invalid(file, 'the file', `a mapping is expected, for example:\n${EXAMPLE}`);
  const fields = value as Record<string, unknown>;
  const name = typeof fields.name === 'string' && fields.name !== '' ? fields.name : 'reference';
  const questions = readQuestions(file, fields.questions);
  if (typeof fields.answers !== 'string' || fields.answers === '') throw invalid(file, 'answers', 'the CSV of real answers, beside this file, for example `answers: answers.csv`');
  const answersPath = resolve(dirname(path), fields.answers);
  let csv: string;
  try {
    csv = readFileSync(answersPath, 'utf8');
  } catch (error) {
    throw invalid(file, 'answers', `${answersPath}: ${unread(error)}; give the CSV of real answers`);
  }
  const read = readRows(answersPath, csv, new Map(questions.map((question) => [question.id, question])));
  for (const question of questions) if (!read.rows.some((row) => row.question === question.id)) throw invalid(answersPath, 'question', `no row answers ${question.id}; give its options' ${read.counts ? 'counts' : 'shares'}`);
  return {
    file,
    name,
    ...(typeof fields.source === 'string' ? { source: fields.source } : {}),
    ...(typeof fields.licence === 'string' ? { licence: fields.licence } : {}),
    questions,
    ...read,
  };
}
