import { isPlainSafe } from '../mailbox/front-matter-fast.js';

/**
 * Fast paths for a resume and a chart in the plain form `lemming populate` writes (and a person
 * mostly keeps): one field a line, scalars bare or JSON-quoted, lists of names on one line. At
 * 10,000 agents the YAML parser takes seconds over the chart and the resumes on an org's first
 * load; these read the same values in a fraction of it. Anything outside the form (a comment after
 * a value, a block list, an anchor, a duplicate key) returns undefined and the YAML parser reads
 * the file as before, so no file is read differently. Values are checked by the same schemas
 * afterwards. Pure.
 */

/** Where each field was found: 1-based lines of the file, by dotted path. */
export type LineMap = Map<string, number>;

/** What a fast path read: the value, and the line of each field. */
export interface PlainFile {
  value: Record<string, unknown>;
  readonly lines: LineMap;
  /** The line of a dotted path (see plainLineOf); it holds on to the lines, not to the value. */
  lineOf: (path: ReadonlyArray<string | number>) => number | undefined;
}

/** A bare or JSON-quoted scalar as YAML reads it: a string, a number, true or false, null; undefined when unsure. */
function scalar(text: string): unknown {
  if (text.startsWith('"')) {
    try {
      const value = JSON.parse(text) as unknown;
      return typeof value === 'string' ? value : undefined;
    } catch {
      return undefined;
    }
  }
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null') return null;
  // Decimal numbers as lemming writes them; YAML's other number forms (0x1F, .inf, 1_000) go the long way.
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return Number(text);
  return isPlainSafe(text) ? text : undefined;
}

/** `[a, b, "*"]` of bare or quoted scalars with no commas or brackets inside; undefined otherwise. */
function flowList(text: string): unknown[] | undefined {
  if (!text.startsWith('[') || !text.endsWith(']')) return undefined;
  const inner = text.slice(1, -1).trim();
  if (inner === '') return [];
  const items: unknown[] = [];
  for (const part of inner.split(',')) {
    const item = scalar(part.trim());
    if (item === undefined || /[[\]{}]/.test(part)) return undefined;
    items.push(item);
  }
  return items;
}

/** `{ every: 5, offset: 0 }` of bare scalars; undefined otherwise. */
function flowMap(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{') || !text.endsWith('}')) return undefined;
  const result: Record<string, unknown> = {};
  const inner = text.slice(1, -1).trim();
  if (inner === '') return result;
  for (const part of inner.split(',')) {
    const match = /^\s*([a-z][a-z_]*): (.+?)\s*$/.exec(part);
    const value = match ? scalar(match[2] as string) : undefined;
    if (!match || value === undefined || Object.hasOwn(result, match[1] as string) || /[[\]{}]/.test(match[2] as string)) return undefined;
    result[match[1] as string] = value;
  }
  return result;
}

/** A value after `key: `: a scalar, a flow list or a flow map; undefined when it is anything else. */
function inlineValue(text: string): unknown {
  if (text.startsWith('[')) return flowList(text);
  if (text.startsWith('{')) return flowMap(text);
  return scalar(text);
}

// Keys begin with a letter: `__proto__` and its like are the YAML parser's to read.
const FIELD = /^([a-z][a-z0-9_]*):(?: (.*))?$/;
const NESTED = /^ {2}([a-z][a-z0-9_]*): (.+)$/;

/**
 * A resume's front matter (the text between its fences, which start on line 2) in the plain form:
 * top-level `key: value` lines, and one level of `  key: value` under a key with nothing after its
 * colon (`persona:`).
 */
export function parsePlainFrontMatter(yaml: string): PlainFile | undefined {
  const value: Record<string, unknown> = {};
  const lines: LineMap = new Map();
  let nested: Record<string, unknown> | undefined;
  let nestedKey = '';
  const rows = yaml.split('\n');
  for (let index = 0; index < rows.length; index += 1) {
    const row = rows[index] as string;
    if (row === '') continue;
    const line = index + 2;
    // Each line matched by `test` and cut by its colon (the key holds none): `exec`'s match of every line was a tenth of what a first load of 100,000 resumes allocated.
    if (nested && NESTED.test(row)) {
      const colon = row.indexOf(':');
      const key = row.slice(2, colon);
      const item = scalar(row.slice(colon + 2));
      if (item === undefined || Object.hasOwn(nested, key)) return undefined;
      nested[key] = item;
      lines.set(`${nestedKey}.${key}`, line);
      continue;
    }
    if (!FIELD.test(row)) return undefined;
    const colon = row.indexOf(':');
    const key = row.slice(0, colon);
    if (Object.hasOwn(value, key)) return undefined;
    lines.set(key, line);
    if (colon === row.length - 1) {
      nested = {};
      nestedKey = key;
      value[key] = nested;
      continue;
    }
    nested = undefined;
    const item = inlineValue(row.slice(colon + 2));
    if (item === undefined) return undefined;
    value[key] = item;
  }
  // A key with nothing under it is null in YAML: the long way says so with its line.
  if (Object.values(value).some((item) => item !== null && typeof item === 'object' && !Array.isArray(item) && Object.keys(item).length === 0)) return undefined;
  return { value, lines, lineOf: plainLineOf(lines) };
}

const CHART_ENTRY = /^ {2}([a-z0-9][a-z0-9_-]*):$/;
const CHART_FIELD = /^ {4}(reports_to|send_to|read_from): (.+)$/;

/** How many distinct field values a chart's read keeps parsed: most entries say the same (`["*"]`, a team's list). */
const KEPT_VALUES = 4_096;

/**
 * org/chart.yaml in the plain form: comment lines, `agents:`, then for each agent `  name:` and its
 * fields, each `    field: value` on one line. The lines of the fields are found when first asked
 * (a problem to point at), by reading the text again: at 100,000 agents, a map of 400,000 paths
 * made for every load cost more than the rest of the read.
 */
export function parsePlainChart(text: string): PlainFile | undefined {
  const value = readPlainChart(text);
  if (!value) return undefined;
  let lines: LineMap | undefined;
  const linesOf = (): LineMap => {
    if (!lines) {
      lines = new Map();
      readPlainChart(text, lines);
    }
    return lines;
  };
  return {
    value,
    get lines() {
      return linesOf();
    },
    lineOf: (path) => plainLineOf(linesOf())(path),
  };
}

/** The chart's value in the plain form, each field's line put in `lines` when given; undefined when the text is not in that form. */
function readPlainChart(text: string, lines?: LineMap): Record<string, unknown> | undefined {
  // No prototype: the chart's checks take it as it is (plain-checks.ts), and a name like `constructor` is only a name.
  const agents = Object.create(null) as Record<string, Record<string, unknown>>;
  // Each distinct value text read once, and shared by the entries that say it (nothing changes a value in place:
  // checkPlainChart replaces entries, never the lists).
  const known = new Map<string, unknown>();
  let current: Record<string, unknown> | undefined;
  let currentName = '';
  let currentFields = 0;
  let seenAgents = false;
  // Line by line as text.split('\n') would give them, without making the array of all of them.
  for (let start = 0, line = 1; start <= text.length; line += 1) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const row = text.slice(start, end);
    start = end + 1;
    if (row === '' || row.startsWith('#')) continue;
    if (row === 'agents:') {
      if (seenAgents) return undefined;
      seenAgents = true;
      lines?.set('agents', line);
      continue;
    }
    if (!seenAgents) return undefined;
    // Matched by `test` and cut by hand, as in parsePlainFrontMatter.
    if (CHART_ENTRY.test(row)) {
      // An agent with no field is null in YAML: the long way reads it.
      if (current && currentFields === 0) return undefined;
      currentName = row.slice(2, -1);
      if (Object.hasOwn(agents, currentName)) return undefined;
      current = {};
      currentFields = 0;
      agents[currentName] = current;
      lines?.set(`agents.${currentName}`, line);
      continue;
    }
    if (!current || !CHART_FIELD.test(row)) return undefined;
    const colon = row.indexOf(':');
    const name = row.slice(4, colon);
    if (Object.hasOwn(current, name)) return undefined;
    const raw = row.slice(colon + 2);
    let item = known.get(raw);
    if (item === undefined) {
      item = inlineValue(raw);
      if (item === undefined) return undefined;
      if (known.size < KEPT_VALUES) known.set(raw, item);
    }
    current[name] = item;
    currentFields += 1;
    lines?.set(`agents.${currentName}.${name}`, line);
  }
  if (!seenAgents || (current && currentFields === 0)) return undefined;
  return { agents };
}

/** The line of a path in a plain file: the field's own, else its closest parent's (a list's items are on its line). */
export function plainLineOf(lines: LineMap): (path: ReadonlyArray<string | number>) => number | undefined {
  return (path) => {
    for (let length = path.length; length > 0; length -= 1) {
      const line = lines.get(path.slice(0, length).join('.'));
      if (line !== undefined) return line;
    }
    return undefined;
  };
}
