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

/** A value's text may hold no line break JavaScript knows but the newline that ends the line (as `.` of a pattern matches none). */
const LINE_BREAK = /[\r\u2028\u2029]/;

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

/**
 * Where a key that starts at `start` ends: past a letter, then letters, digits and `_` (keys begin with a
 * letter: `__proto__` and its like are the YAML parser's to read); `start` when there is none.
 */
function keyEnd(text: string, start: number, end: number): number {
  let at = start;
  for (; at < end; at += 1) {
    const code = text.charCodeAt(at);
    if (!((code >= 97 && code <= 122) || (at > start && ((code >= 48 && code <= 57) || code === 95)))) break;
  }
  return at;
}

/** The keys a resume's front matter mostly has: a key read as one of these is that very string, not one cut from the text (which each object it names would look up). */
const COMMON_KEYS = ['title', 'role', 'model', 'credits', 'schedule', 'tools', 'shared_workspace', 'persona', 'memory', 'sandbox', 'web_allow'];

/** The key of `text` from `start` to `end`. */
function keyOf(text: string, start: number, end: number): string {
  for (const key of COMMON_KEYS) if (key.length === end - start && text.startsWith(key, start)) return key;
  return text.slice(start, end);
}

/** Whether an object a front matter's value holds is one with no key (a `persona:` with nothing under it, `{}`). */
function hasEmptyObject(value: Record<string, unknown>): boolean {
  for (const key in value) {
    const item = value[key];
    if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
    let empty = true;
    for (const _ in item) {
      empty = false;
      break;
    }
    if (empty) return true;
  }
  return false;
}

/**
 * A resume's front matter (the text between its fences, which start on line 2) in the plain form:
 * top-level `key: value` lines, and one level of `  key: value` under a key with nothing after its
 * colon (`persona:`). Read in place, by each line's position in the text, as the chart is
 * (readPlainChart), with no line cut out or matched by a pattern: 100,000 resumes parsed in some
 * 255 ms against 280 (alone, 2026-11-27). The line of every field is found when first asked, by
 * reading the text again (PlainFrontMatter).
 */
export function parsePlainFrontMatter(yaml: string): PlainFrontMatter | undefined {
  const read = readPlainFrontMatter(yaml);
  return read && new PlainFrontMatter(read.value, yaml, read.modelLine, read.creditsLine, read.toolsLine);
}

/** The front matter's value and the lines of the three fields a valid resume keeps (parse-files.ts, parseResume); every path's line put in `lines` when given. */
function readPlainFrontMatter(yaml: string, lines?: LineMap): { value: Record<string, unknown>; modelLine?: number; creditsLine?: number; toolsLine?: number } | undefined {
  // A value may hold no line break JavaScript knows but the newline (as `.` of a pattern matches none): in one, the long way.
  if (LINE_BREAK.test(yaml)) return undefined;
  const value: Record<string, unknown> = {};
  let modelLine: number | undefined;
  let creditsLine: number | undefined;
  let toolsLine: number | undefined;
  let nested: Record<string, unknown> | undefined;
  let nestedKey = '';
  for (let start = 0, line = 2; start <= yaml.length; line += 1) {
    const newline = yaml.indexOf('\n', start);
    const end = newline < 0 ? yaml.length : newline;
    const lineStart = start;
    start = end + 1;
    if (end === lineStart) continue;
    // `  key: value` under a key with nothing after its colon.
    if (nested && yaml.charCodeAt(lineStart) === 32 && yaml.charCodeAt(lineStart + 1) === 32) {
      const colon = keyEnd(yaml, lineStart + 2, end);
      if (colon > lineStart + 2 && yaml.charCodeAt(colon) === 58 && yaml.charCodeAt(colon + 1) === 32 && colon + 2 < end) {
        const key = yaml.slice(lineStart + 2, colon);
        const item = scalar(yaml.slice(colon + 2, end));
        if (item === undefined || Object.hasOwn(nested, key)) return undefined;
        nested[key] = item;
        lines?.set(`${nestedKey}.${key}`, line);
        continue;
      }
    }
    // `key:` alone, or `key: value`.
    const colon = keyEnd(yaml, lineStart, end);
    if (colon === lineStart || yaml.charCodeAt(colon) !== 58 || (colon + 1 < end && yaml.charCodeAt(colon + 1) !== 32)) return undefined;
    const key = keyOf(yaml, lineStart, colon);
    if (Object.hasOwn(value, key)) return undefined;
    lines?.set(key, line);
    if (key === 'model') modelLine = line;
    else if (key === 'credits') creditsLine = line;
    else if (key === 'tools') toolsLine = line;
    if (colon + 1 === end) {
      nested = {};
      nestedKey = key;
      value[key] = nested;
      continue;
    }
    nested = undefined;
    const item = inlineValue(yaml.slice(colon + 2, end));
    if (item === undefined) return undefined;
    value[key] = item;
  }
  // A key with nothing under it is null in YAML: the long way says so with its line.
  if (hasEmptyObject(value)) return undefined;
  return { value, modelLine, creditsLine, toolsLine };
}

/**
 * A front matter read in the plain form: its value, the lines of `model`, `credits` and `tools` (what a
 * valid resume keeps), and the line of any field found when first asked, by reading the text again. At
 * 100,000 resumes, a map of each one's lines and a function to look in it, made for every resume and
 * never asked, were some 20 of the 287 MB a cold `status` allocated (sampled).
 */
export class PlainFrontMatter implements PlainFile {
  private map?: LineMap;

  constructor(
    readonly value: Record<string, unknown>,
    private readonly yaml: string,
    readonly modelLine: number | undefined,
    readonly creditsLine: number | undefined,
    readonly toolsLine: number | undefined,
  ) {}

  get lines(): LineMap {
    if (!this.map) {
      const map: LineMap = new Map();
      readPlainFrontMatter(this.yaml, map);
      this.map = map;
    }
    return this.map;
  }

  get lineOf(): (path: ReadonlyArray<string | number>) => number | undefined {
    return plainLineOf(this.lines);
  }
}

/** A chart field's line, `    field: ` and its value, by field; each field's bit, so an entry's repeat of one is seen without a look-up. */
const CHART_FIELDS = [
  { name: 'reports_to', prefix: '    reports_to: ', bit: 1 },
  { name: 'send_to', prefix: '    send_to: ', bit: 2 },
  { name: 'read_from', prefix: '    read_from: ', bit: 4 },
] as const;
type ChartField = (typeof CHART_FIELDS)[number];
const NO_FIELD = { name: '', prefix: '', bit: 0 } as const;

/** How many distinct field values a chart's read keeps parsed: most entries say the same (`["*"]`, a team's list). */
const KEPT_VALUES = 4_096;

/**
 * A chart read in the plain form, by column: its agents' names in the file's order, and each field's
 * value as written by agent (undefined where the entry does not write it). The checks take it as it
 * is (plain-checks.ts, checkChartColumns): at 100,000 agents, a record of every name (each name made
 * a property key, then listed and looked up again by the checks) was most of the chart's read.
 */
export interface ChartColumns {
  readonly names: readonly string[];
  readonly reportsTo: readonly unknown[];
  readonly sendTo: readonly unknown[];
  readonly readFrom: readonly unknown[];
}

/** A chart in the plain form: its columns, and its value as YAML gives it, made from them when asked (the schema's to read when the checks leave it). */
export interface PlainChart extends PlainFile {
  readonly columns: ChartColumns;
}

/**
 * org/chart.yaml in the plain form: comment lines, `agents:`, then for each agent `  name:` and its
 * fields, each `    field: value` on one line. The lines of the fields are found when first asked
 * (a problem to point at), by reading the text again: at 100,000 agents, a map of 400,000 paths
 * made for every load cost more than the rest of the read.
 */
export function parsePlainChart(text: string): PlainChart | undefined {
  const columns = readPlainChart(text);
  if (!columns) return undefined;
  let lines: LineMap | undefined;
  const linesOf = (): LineMap => {
    if (!lines) {
      lines = new Map();
      readPlainChart(text, lines);
    }
    return lines;
  };
  let value: Record<string, unknown> | undefined;
  return {
    columns,
    get value() {
      value ??= chartValueOf(columns);
      return value;
    },
    get lines() {
      return linesOf();
    },
    lineOf: (path) => plainLineOf(linesOf())(path),
  };
}

/** The chart's value as YAML reads it from its columns: each entry with the fields it writes. */
function chartValueOf(columns: ChartColumns): Record<string, unknown> {
  // No prototype: a name like `constructor` is only a name.
  const agents = Object.create(null) as Record<string, Record<string, unknown>>;
  const { names, reportsTo, sendTo, readFrom } = columns;
  for (let at = 0; at < names.length; at += 1) {
    const entry: Record<string, unknown> = {};
    if (reportsTo[at] !== undefined) entry.reports_to = reportsTo[at];
    if (sendTo[at] !== undefined) entry.send_to = sendTo[at];
    if (readFrom[at] !== undefined) entry.read_from = readFrom[at];
    agents[names[at] as string] = entry;
  }
  return { agents };
}

/** Whether the line of `text` from `start` to `end` is an entry, `  name:`, its name a letter or digit then letters, digits, `_` or `-`. */
function isChartEntry(text: string, start: number, end: number): boolean {
  if (end - start < 4 || text.charCodeAt(start) !== 32 || text.charCodeAt(start + 1) !== 32 || text.charCodeAt(end - 1) !== 58) return false;
  for (let at = start + 2; at < end - 1; at += 1) {
    const code = text.charCodeAt(at);
    const letterOrDigit = (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
    if (!letterOrDigit && (at === start + 2 || (code !== 95 && code !== 45))) return false;
  }
  return true;
}

/**
 * The chart's columns in the plain form, each field's line put in `lines` when given; undefined when
 * the text is not in that form (a name said twice included). Read in place, by the positions of each
 * line in the text, with no line cut out or matched by a pattern; a field's value that says what the
 * entry before said is known by comparing it in place, so most lines make nothing at all. A name said
 * twice is found by a set of the names, not by a record of them: no name is made a property key.
 */
function readPlainChart(text: string, lines?: LineMap): ChartColumns | undefined {
  const names: string[] = [];
  const seen = new Set<string>();
  // Each field's column, in CHART_FIELDS' order.
  const values: [unknown[], unknown[], unknown[]] = [[], [], []];
  // Each distinct value text read once, and shared by the entries that say it (nothing changes a value in place:
  // the checks make each entry anew, never the lists).
  const known = new Map<string, unknown>();
  // The last value text of each field, and what it read as.
  const lastRaw: Array<string | undefined> = [undefined, undefined, undefined];
  const lastItem: unknown[] = [undefined, undefined, undefined];
  let currentName = '';
  let currentFields = 0;
  let seenAgents = false;
  // Line by line as text.split('\n') would give them, without cutting any out.
  for (let start = 0, line = 1; start <= text.length; line += 1) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const lineStart = start;
    start = end + 1;
    if (end === lineStart || text.charCodeAt(lineStart) === 35) continue;
    if (end - lineStart === 7 && text.startsWith('agents:', lineStart)) {
      if (seenAgents) return undefined;
      seenAgents = true;
      lines?.set('agents', line);
      continue;
    }
    if (!seenAgents) return undefined;
    if (isChartEntry(text, lineStart, end)) {
      // An agent with no field is null in YAML: the long way reads it.
      if (names.length > 0 && currentFields === 0) return undefined;
      currentName = text.slice(lineStart + 2, end - 1);
      // One look-up a name, not two (has, then add): at 100,000 names, a look-up in the set is most of an entry's line.
      const before = seen.size;
      if (seen.add(currentName).size === before) return undefined;
      names.push(currentName);
      values[0].push(undefined);
      values[1].push(undefined);
      values[2].push(undefined);
      currentFields = 0;
      lines?.set(`agents.${currentName}`, line);
      continue;
    }
    if (names.length === 0) return undefined;
    let field = 0;
    while (field < CHART_FIELDS.length && !text.startsWith((CHART_FIELDS[field] as ChartField).prefix, lineStart)) field += 1;
    const { name, prefix, bit } = CHART_FIELDS[field] ?? NO_FIELD;
    if ((currentFields & bit) !== 0 || bit === 0) return undefined;
    const from = lineStart + prefix.length;
    if (from === end) return undefined;
    const last = lastRaw[field];
    let item: unknown;
    if (last !== undefined && last.length === end - from && text.startsWith(last, from)) item = lastItem[field];
    else {
      const raw = text.slice(from, end);
      if (LINE_BREAK.test(raw)) return undefined;
      item = known.get(raw);
      if (item === undefined) {
        item = inlineValue(raw);
        if (item === undefined) return undefined;
        if (known.size < KEPT_VALUES) known.set(raw, item);
      }
      lastRaw[field] = raw;
      lastItem[field] = item;
    }
    (values[field] as unknown[])[names.length - 1] = item;
    currentFields |= bit;
    lines?.set(`agents.${currentName}.${name}`, line);
  }
  if (!seenAgents || (names.length > 0 && currentFields === 0)) return undefined;
  return { names, reportsTo: values[0], sendTo: values[1], readFrom: values[2] };
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
