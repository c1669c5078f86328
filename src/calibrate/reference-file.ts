import { lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadEditedFile, MAX_ORG_YAML_BYTES, readEditedFile } from '../editable/edited-file.js';
import { parseYamlSource } from '../editable/yaml-source.js';
import { EXIT, formatProblem, LemmingError } from '../errors.js';
import { fromWorkingFolder } from '../invocation.js';
import { choiceProblem } from '../mailbox/survey-markup.js';
import { nameProblem } from '../org/names.js';
import { csvCells, excerpt, invalid } from './reference-problems.js';
import { joinRetest, readRespondents, type Respondent } from './respondent-file.js';

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
  /** The people one by one, when the reference is respondent-level (`respondents:`): `lemming calibrate --people` scores agents against them. */
  people?: Respondent[];
  /** The column of the people's weights (`weight:`), when there is one. */
  weight?: string;
  /** Per question, of a respondent-level reference: Kish's effective size of those who answered (what its counts are brought to), and their weighted total. */
  effectiveSize?: Record<string, number>;
  weightedSize?: Record<string, number>;
  /** What the data cannot support, as its maker says it (`caveats:`): every report made with it says each. */
  caveats?: string[];
}

const EXAMPLE = `name: gss-2018
answers: answers.csv        # rows: question,option,count (or share),attribute columns...
questions:
  - id: happy
    text: Taken all together, how would you say things are these days?
    options: [very happy, pretty happy, not too happy]
    ordered: true`;

function readQuestions(file: string, value: unknown): ReferenceQuestion[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid(file, 'questions', `give a list of questions, for example:\n${EXAMPLE}`);
  const seen = new Set<string>();
  return value.map((item: unknown, index) => {
    const where = `questions.${index}`;
    if (typeof item !== 'object' || item === null) throw invalid(file, where, 'each question is a mapping with `id`, `text`, `options` and `ordered`');
    const fields = item as Record<string, unknown>;
    if (typeof fields.id !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(fields.id)) throw invalid(file, `${where}.id`, 'a question id is lowercase letters, digits, "_" or "-", as the answers file names it, for example `id: happy`');
    if (seen.has(fields.id)) throw invalid(file, `${where}.id`, `${excerpt(fields.id)} is given twice; each question once`);
    seen.add(fields.id);
    if (typeof fields.text !== 'string' || fields.text.trim() === '') throw invalid(file, `${where}.text`, 'the question as people were asked it, for example `text: Taken all together, how would you say things are these days?`');
    const options = fields.options;
    if (!Array.isArray(options) || options.length < 2 || !options.every((option) => typeof option === 'string')) throw invalid(file, `${where}.options`, 'at least two options, in their order, for example `options: [very happy, pretty happy, not too happy]`');
    for (const option of options as string[]) {
      const problem = choiceProblem(option);
      if (problem) throw invalid(file, `${where}.options`, `${excerpt(option)}: ${problem}`);
    }
    if (new Set(options).size !== options.length) throw invalid(file, `${where}.options`, 'an option is given twice');
    if (fields.ordered !== undefined && typeof fields.ordered !== 'boolean') throw invalid(file, `${where}.ordered`, 'true when the options are in an order that means something (very happy … not too happy), false when not (the default)');
    return { id: fields.id, text: fields.text.trim(), options: options as string[], ordered: fields.ordered === true };
  });
}

/** `caveats:`, a line of text or a list of them: what the data cannot support, said in every report made with it. */
function readCaveats(file: string, value: unknown): string[] {
  if (value === undefined) return [];
  const items = typeof value === 'string' ? [value] : value;
  const example = '`caveats: ["answers.csv counts rows of a weighted resample: 2,238 rows of 1,322 people"]`';
  if (!Array.isArray(items)) throw invalid(file, 'caveats', `a line of text or a list of them, for example ${example}`);
  return items.map((item: unknown, index) => {
    if (typeof item !== 'string' || item.trim() === '' || item.length > 2000) throw invalid(file, `caveats.${index}`, `a caveat is a text of at most 2,000 characters, for example ${example}`);
    return item.trim().replace(/\s+/g, ' ');
  });
}

function readRows(file: string, csv: string, questions: ReadonlyMap<string, ReferenceQuestion>): { rows: ReferenceRow[]; attributes: string[]; counts: boolean } {
  const lines = csv.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = csvCells(lines[0] ?? '');
  const column = (name: string): number => header.indexOf(name);
  if (column('question') < 0 || column('option') < 0 || (column('count') < 0) === (column('share') < 0)) {
    throw invalid(file, 'line 1', `the header names the columns: \`question,option,count\` (or \`share\` instead of \`count\`), then one column per respondent attribute, for example \`question,option,count,sex,degree\`; this one is ${excerpt(header.join(','))}`);
  }
  const counts = column('count') >= 0;
  const attributes = header.filter((name) => !['question', 'option', 'count', 'share'].includes(name));
  for (const name of attributes) if (!/^[a-z][a-z0-9_]{0,63}$/.test(name)) throw invalid(file, 'line 1', `attribute column ${excerpt(name)}: an attribute is named as in a resume's persona: lower case, a letter first, for example \`sex\``);
  const rows = lines.slice(1).map((line, index) => {
    const where = `line ${index + 2}`;
    const cells = csvCells(line);
    if (cells.length !== header.length) throw invalid(file, where, `has ${cells.length} cells where the header has ${header.length}`);
    const question = questions.get(cells[column('question')]!);
    if (!question) throw invalid(file, `${where}: question`, `${excerpt(cells[column('question')])} is not a question of the reference; use one of ${[...questions.keys()].join(', ')}`);
    const option = cells[column('option')]!;
    if (!question.options.includes(option)) throw invalid(file, `${where}: option`, `${excerpt(option)} is not an option of ${question.id}; use one of ${question.options.join(', ')}`);
    const amount = Number(cells[column(counts ? 'count' : 'share')]);
    if (counts ? !Number.isInteger(amount) || amount < 0 : !(amount >= 0 && amount <= 1)) throw invalid(file, `${where}: ${counts ? 'count' : 'share'}`, counts ? `${excerpt(cells[column('count')])}: a count is a whole number of people, 0 or more, for example 197` : `${excerpt(cells[column('share')])}: a share is a number from 0 to 1, for example 0.27`);
    const values: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const name of attributes) if (cells[column(name)] !== '') values[name] = cells[column(name)]!;
    return { question: question.id, option, ...(counts ? { count: amount } : { share: amount }), attributes: values };
  });
  return { rows, attributes, counts };
}

/**
 * The text of the CSV a reference names (`answers:` or `respondents:`): a file beside it, by the name
 * rule, never a link elsewhere, read by the one loader of editable files.
 */
function siblingCsv(file: string, path: string, at: string, field: string, value: unknown): { text: string; path: string } {
  const what =
    field === 'respondents'
      ? 'the CSV of real respondents, one row a person, beside this file, for example `respondents: respondents.csv`'
      : field === 'retest'
        ? "the CSV of the same people's answers in a second interview, beside this file, for example `retest: retest.csv`"
        : 'the CSV of real answers, beside this file, for example `answers: answers.csv`';
  if (typeof value !== 'string' || value === '') throw invalid(file, field, what);
  const badName = nameProblem('reference-answers', value);
  if (badName !== undefined) throw invalid(file, field, `${excerpt(value)} ${badName}`);
  const csvPath = join(dirname(path), value);
  const csvAt = join(dirname(at), value);
  // A link beside the reference would be a path elsewhere by another name.
  if (lstatSync(csvAt, { throwIfNoEntry: false })?.isSymbolicLink()) {
    throw invalid(file, field, `${csvPath}: is a symbolic link; lemming reads the answers only from the file itself, beside the reference: copy the CSV there`);
  }
  const csv = readEditedFile(csvAt, csvPath, MAX_ORG_YAML_BYTES);
  if ('missing' in csv) throw invalid(file, field, `${csvPath}: there is no such file; give ${what.split(',')[0]!}`);
  if ('problem' in csv) throw invalid(file, field, `${formatProblem(csv.problem)}; give ${what.split(',')[0]!}`);
  return { text: csv.text, path: csvPath };
}

/**
 * Read a reference: a YAML file naming the questions (their text, options in order, whether ordered)
 * and a CSV of real answers beside it (`question,option,count` or `share`, then a column per respondent
 * attribute). Both are read by the one loader of editable files (size, encoding, not a pipe; the YAML's
 * aliases and nesting bounded). The reference may come from someone else, so what it names is held
 * to rules: `name:` (the report's folder, calibration/<name>) follows the name rule, `answers:` is a
 * file beside the reference, never a path or a link elsewhere. A respondent-level reference names
 * `respondents:` instead (one row a person, respondent-file.ts), with `weight:` its weight column and
 * `group_by:` the attributes its group counts are split by; its rows are made from the people. Every
 * problem names the file, the field or line, and a valid value, and quotes what it found only as a
 * short escaped excerpt.
 */
export function readReference(path: string): Reference {
  // Named as given in what it says, read from where the current folder puts it.
  const file = path;
  const at = fromWorkingFolder(path);
  const loaded = loadEditedFile(at, file, MAX_ORG_YAML_BYTES, (text) => parseYamlSource(text, file));
  if ('missing' in loaded) throw new LemmingError('reference-missing', `${file}: there is no such file; a reference is YAML like:\n${EXAMPLE}`, { exitCode: EXIT.usage });
  const source = 'source' in loaded ? loaded.source : undefined;
  if (!source) throw new LemmingError('reference-invalid', `${loaded.problems.map(formatProblem).join('; ')}; a reference is YAML like:\n${EXAMPLE}`, { exitCode: EXIT.usage });
  if (typeof source.value !== 'object' || source.value === null) throw invalid(file, 'the file', `a mapping is expected, for example:\n${EXAMPLE}`);
  const fields = source.value as Record<string, unknown>;
  const name = fields.name ?? 'reference';
  const badName = nameProblem('reference', name);
  if (badName !== undefined) throw invalid(file, 'name', `${excerpt(name)} ${badName}`);
  const questions = readQuestions(file, fields.questions);
  const respondentLevel = fields.respondents !== undefined;
  if (respondentLevel && fields.answers !== undefined) throw invalid(file, 'respondents', 'give `answers:` (counts by group) or `respondents:` (one row a person), not both');
  const field = respondentLevel ? 'respondents' : 'answers';
  for (const only of ['weight', 'group_by', 'retest']) if (!respondentLevel && fields[only] !== undefined) throw invalid(file, only, 'goes with `respondents:` (one row a person); counts by group (`answers:`) carry no weights of people');
  const { text, path: csvPath } = siblingCsv(file, path, at, field, fields[field]);
  let read: { rows: ReferenceRow[]; attributes: string[]; counts: boolean };
  let people: Pick<Reference, 'people' | 'weight' | 'effectiveSize' | 'weightedSize'> = {};
  if (respondentLevel) {
    if (fields.weight !== undefined && (typeof fields.weight !== 'string' || fields.weight === '')) throw invalid(file, 'weight', 'the column of respondents.csv that holds each person\'s weight, for example `weight: copies`');
    const groupBy = fields.group_by;
    if (groupBy !== undefined && !(Array.isArray(groupBy) && groupBy.every((item) => typeof item === 'string'))) throw invalid(file, 'group_by', 'a list of attribute columns calibrate compares groups by, for example `group_by: [sex, degree]`');
    const weight = fields.weight as string | undefined;
    const table = readRespondents(csvPath, text, questions, weight, groupBy as string[] | undefined);
    read = { rows: table.rows, attributes: (groupBy as string[] | undefined) ?? table.columns, counts: true };
    people = { people: table.people, ...(weight === undefined ? {} : { weight }), effectiveSize: table.effectiveSize, weightedSize: table.weightedSize };
    if (fields.retest !== undefined) {
      // The people's own second interview: what `--people` may divide accuracy by, as Park et al. do.
      const retest = siblingCsv(file, path, at, 'retest', fields.retest);
      joinRetest(retest.path, retest.text, questions, table.people);
    }
  } else {
    read = readRows(csvPath, text, new Map(questions.map((question) => [question.id, question])));
    for (const question of questions) if (!read.rows.some((row) => row.question === question.id)) throw invalid(csvPath, 'question', `no row answers ${question.id}; give its options' ${read.counts ? 'counts' : 'shares'}`);
  }
  const caveats = readCaveats(file, fields.caveats);
  return {
    file,
    name: name as string,
    ...(caveats.length > 0 ? { caveats } : {}),
    ...(typeof fields.source === 'string' ? { source: fields.source } : {}),
    ...(typeof fields.licence === 'string' ? { licence: fields.licence } : {}),
    questions,
    ...read,
    ...people,
  };
}
