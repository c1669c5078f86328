/**
 * The respondent-level form of a reference: one row a person, who they are and what they answered
 * (`respondents:` instead of `answers:`). `lemming calibrate --people` scores each agent against its
 * own person from it, and the group counts calibrate compares by are made from it, weighted, at the
 * people's effective size. Pure.
 */
import { kishEffectiveSize, scaleCounts } from '../statistics/effective-size.js';
import { csvCells, excerpt, invalid } from './reference-problems.js';
import type { ReferenceQuestion, ReferenceRow } from './reference-file.js';

/** One real person of a respondent-level reference. */
export interface Respondent {
  /** The `person` column: unique in the file. */
  id: string;
  /** The weight column's value (how many times a weighted resample drew them); 1 when the file has none. */
  weight: number;
  /** Who they are (every column that is neither the id, the weight nor a question), by name; an empty cell is no value. */
  attributes: Record<string, string>;
  /** Their answers, by question id: an option of the question; a question they were not asked or did not answer is absent. */
  answers: Record<string, string>;
  /** Their answers in a second interview (the reference's `retest:`), by question id, where it holds one for them. */
  retest?: Record<string, string>;
}

/** A respondent-level file read: its people, and the group counts made from them. */
export interface RespondentTable {
  people: Respondent[];
  /** The attribute columns, in the file's order. */
  columns: string[];
  /** Per question: copies-weighted counts brought to the effective size of the people who answered it, by option and `groupBy` values. */
  rows: ReferenceRow[];
  /** Per question: Kish's effective size of the people who answered it, and their weighted total. */
  effectiveSize: Record<string, number>;
  weightedSize: Record<string, number>;
}

const ATTRIBUTE = /^[a-z][a-z0-9_]{0,63}$/;

function record(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

/**
 * Read a respondents CSV: a `person` column (unique ids), the `weight` column when one is named, a
 * column per question of the reference (an option of it, or empty), and any other column an attribute
 * of the person. `groupBy` names the attributes the group counts are split by (all of them unless
 * said). Every problem names the file, the line or column, and a valid value.
 */
export function readRespondents(file: string, csv: string, questions: readonly ReferenceQuestion[], weight: string | undefined, groupBy: readonly string[] | undefined, everyQuestion = true): RespondentTable {
  const lines = csv.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = csvCells(lines[0] ?? '');
  const example = `person,${weight ?? 'copies'},sex,degree,${questions.map((question) => question.id).join(',')}`;
  if (header[0] !== 'person') throw invalid(file, 'line 1', `the first column is \`person\` (an id a row), then the attributes and one column per question, for example \`${excerpt(example)}\`; this one starts ${excerpt(header[0])}`);
  if (new Set(header).size !== header.length) throw invalid(file, 'line 1', 'a column is named twice; each column once');
  const byId = new Map(questions.map((question) => [question.id, question]));
  for (const question of questions) if (!header.includes(question.id)) throw invalid(file, 'line 1', `no column answers ${question.id}; give one per question of the reference, for example \`${excerpt(example)}\``);
  if (weight !== undefined && !header.includes(weight)) throw invalid(file, 'line 1', `no column ${excerpt(weight)}, which the reference's \`weight:\` names; name a column of the file, or leave \`weight:\` out`);
  const columns = header.filter((name, index) => index > 0 && name !== weight && !byId.has(name));
  for (const name of columns) if (!ATTRIBUTE.test(name)) throw invalid(file, 'line 1', `attribute column ${excerpt(name)}: an attribute is named as in a resume's persona: lower case, a letter first, for example \`sex\``);
  const grouping = groupBy ?? columns;
  for (const name of grouping) if (!columns.includes(name)) throw invalid(file, 'line 1', `no attribute column ${excerpt(name)}, which the reference's \`group_by:\` names; use some of ${columns.join(', ')}`);
  const seen = new Set<string>();
  const people = lines.slice(1).map((line, index): Respondent => {
    const where = `line ${index + 2}`;
    const cells = csvCells(line);
    if (cells.length !== header.length) throw invalid(file, where, `has ${cells.length} cells where the header has ${header.length}`);
    const id = cells[0]!;
    if (id === '' || seen.has(id)) throw invalid(file, `${where}: person`, id === '' ? 'each row names its person, for example `p0001`' : `${excerpt(id)} is given twice; one row a person (a weighted resample's copies go in the weight column)`);
    seen.add(id);
    const attributes = record();
    const answers = record();
    let amount = 1;
    header.forEach((name, column) => {
      const cell = cells[column]!;
      if (column === 0) return;
      if (name === weight) {
        amount = Number(cell);
        if (!(Number.isFinite(amount) && amount > 0)) throw invalid(file, `${where}: ${name}`, `${excerpt(cell)}: a weight is a number above 0, for example 2 (drawn twice)`);
      } else if (byId.has(name)) {
        if (cell === '') return;
        const question = byId.get(name)!;
        if (!question.options.includes(cell)) throw invalid(file, `${where}: ${name}`, `${excerpt(cell)} is not an option of ${name}; use one of ${question.options.join(', ')}, or leave the cell empty (not asked, no answer)`);
        answers[name] = cell;
      } else if (cell !== '') attributes[name] = cell;
    });
    return { id, weight: amount, attributes, answers };
  });
  if (people.length === 0) throw invalid(file, 'line 2', `no person; give one row a person, for example \`${excerpt(example)}\``);
  const rows: ReferenceRow[] = [];
  const effectiveSize = record() as unknown as Record<string, number>;
  const weightedSize = record() as unknown as Record<string, number>;
  for (const question of questions) {
    const answered = people.filter((person) => person.answers[question.id] !== undefined);
    if (answered.length === 0 && !everyQuestion) continue;
    if (answered.length === 0) throw invalid(file, question.id, `no person answers ${question.id}; give at least one answer`);
    // One cell a combination of option and group values, in the order first met.
    const cells = new Map<string, { option: string; attributes: Record<string, string>; weight: number }>();
    for (const person of answered) {
      const option = person.answers[question.id]!;
      const values = record();
      for (const name of grouping) if (person.attributes[name] !== undefined) values[name] = person.attributes[name]!;
      const key = JSON.stringify([option, ...grouping.map((name) => values[name] ?? null)]);
      const cell = cells.get(key);
      if (cell) cell.weight += person.weight;
      else cells.set(key, { option, attributes: values, weight: person.weight });
    }
    const size = kishEffectiveSize(answered.map((person) => person.weight));
    effectiveSize[question.id] = size;
    weightedSize[question.id] = answered.reduce((sum, person) => sum + person.weight, 0);
    const listed = [...cells.values()];
    const counts = scaleCounts(listed.map((cell) => cell.weight), size);
    listed.forEach((cell, index) => rows.push({ question: question.id, option: cell.option, count: counts[index]!, attributes: cell.attributes }));
  }
  return { people, columns, rows, effectiveSize, weightedSize };
}

/**
 * A second interview of the same people (the reference's `retest:`, a CSV shaped as the respondents'
 * file: `person`, then a column per question, an answer or empty; other columns are ignored), joined to
 * the people: each person it names gets `retest`, their answers the second time. A person it names who
 * is not in the respondents' file is refused, naming the line. Pure: `people` are changed in place.
 */
export function joinRetest(file: string, csv: string, questions: readonly ReferenceQuestion[], people: readonly Respondent[]): void {
  const byId = new Map(people.map((person) => [person.id, person]));
  // A second interview may ask some of the questions again, not all.
  const second = readRespondents(file, csv, questions, undefined, [], false);
  second.people.forEach((again, index) => {
    const person = byId.get(again.id);
    if (!person) throw invalid(file, `line ${index + 2}: person`, `${excerpt(again.id)} is not a person of the respondents' file; a retest row names a person interviewed the first time, for example ${excerpt(people[0]?.id ?? 'p0001')}`);
    person.retest = again.answers;
  });
}
