import type { Document } from 'yaml';
import { errorMessage, type Problem } from '../errors.js';
import { yaml } from '../lazy-modules.js';
import { unclosedOpener } from './yaml-mistake.js';
import { quoteName } from '../mailbox/message-text.js';

/** A parsed YAML text that can say on which line a field sits. */
export interface YamlSource {
  value: unknown;
  /** 1-based line of the field at `path`, or of its closest existing parent. */
  lineOf(path: ReadonlyArray<string | number>): number | undefined;
  /** The single value at `path` as the file writes it (`.nan`, `1e400`, `"five"`), or undefined for none or a list or map. */
  textOf(path: ReadonlyArray<string | number>): string | undefined;
}

/**
 * How many values aliases (`*name`) may add when the YAML is read. An org file has no need of
 * more; a "billion laughs" (aliases of lists of aliases) needs far more, in a few hundred bytes.
 */
export const MAX_ALIAS_COUNT = 100;

/**
 * How deep lists and maps may sit inside each other. An org file needs a few levels. The parser
 * recurses once per level, so past a few hundred it meets the end of the stack, sooner when its
 * caller is deep: the same file would be read in one place and refused in another. Below this
 * limit it never meets it; past it, the file is refused wherever it is read.
 */
export const MAX_NESTING = 64;

const NESTING_PROBLEM = `nests lists and maps more than ${MAX_NESTING} levels deep; lemming reads no deeper (an org file needs a few levels): write it flatter`;

/**
 * Parse YAML a person (or an archive, a template, a model) wrote: the one YAML parse of every
 * editable file. It never throws: a syntax error, a duplicate key, an alias bomb, an alias to
 * no anchor, lists and maps nested past MAX_NESTING, or a top level that is not a map of fields is a
 * problem with the file and the line. `lineOffset` is added to every line (front matter starts
 * after the opening `---`). Pure.
 */
export function parseYamlSource(
  text: string,
  file: string,
  lineOffset = 0,
): { source?: YamlSource; problems: Problem[] } {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const problem = (offset: number, message: string): Problem => ({ file, line: lineCounter.linePos(offset).line + lineOffset, message, severity: 'error' });
  let document: Document;
  try {
    // Duplicate keys are found below in one pass: the parser's own check compares every key with every other.
    document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  } catch (error) {
    // The parser catches its own stack overflows; anything else it throws is still this file's problem.
    return { problems: [unreadable(file, error)] };
  }
  // Before any walk that recurses: a document too deep is refused whether or not the parser got to its end.
  const tooDeep = firstPastNesting(document) ?? document.errors.find((error) => isStackOverflow(error.message))?.pos[0];
  if (tooDeep !== undefined) return { problems: [problem(tooDeep, NESTING_PROBLEM)] };
  try {
    return checkedSource(text, document, lineCounter, problem, file, lineOffset);
  } catch (error) {
    // Not expected past the nesting check, but whatever a walk of the document throws is the file's problem, not the command's.
    return { problems: [unreadable(file, error)] };
  }
}

/** A parsed document's value, or its first problem: duplicate keys, syntax errors, aliases, a top level that is not a map. */
function checkedSource(
  text: string,
  document: Document,
  lineCounter: InstanceType<ReturnType<typeof yaml>['LineCounter']>,
  problem: (offset: number, message: string) => Problem,
  file: string,
  lineOffset: number,
): { source?: YamlSource; problems: Problem[] } {
  const duplicate = document.errors.length > 0 ? undefined : firstDuplicateKey(document);
  if (duplicate) return { problems: [{ ...problem(duplicate.offset, `is not valid YAML: Map keys must be unique; ${quoteName(duplicate.key)} is given twice`), ...(duplicate.field ? { field: duplicate.field } : {}) }] };
  if (document.errors.length > 0) {
    const found = document.errors.map((error) => {
      // An unclosed bracket or quote is noticed where the text goes on without it: point at where it opened.
      const opener = /flow (sequence|map|collection)|missing closing/i.test(error.message) ? unclosedOpener(text, error.pos[0]) : undefined;
      const char = opener === undefined ? undefined : text[opener];
      const closer = char === '[' ? ']' : char === '{' ? '}' : char;
      const what = char === undefined ? firstLine(error.message) : `the ${char} opened on this line is never closed with ${closer}`;
      return { at: opener ?? error.pos[0], opener, message: `is not valid YAML: ${what}` };
    });
    // After an unclosed opener the parser reads the rest as inside it: what it finds there is that one mistake
    // again (the same opener once for each line it went on over, `agents: [` was 24 problems), so it is said once.
    const firstOpener = Math.min(...found.map((each) => each.opener ?? Number.POSITIVE_INFINITY));
    const said = new Set<string>();
    const problems = found.filter((each) => {
      if (each.at > firstOpener && each.opener === undefined) return false;
      const key = `${each.at}\0${each.message}`;
      if (said.has(key)) return false;
      said.add(key);
      return true;
    });
    return { problems: problems.map((each) => problem(each.at, each.message)) };
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const alias = firstAlias(document);
    const message = errorMessage(error);
    const text =
      /alias count/i.test(message)
        ? `uses aliases (\`*name\`) that would expand to more than ${MAX_ALIAS_COUNT} values (a "billion laughs"); write the values out instead`
        : /unresolved alias|alias/i.test(message)
          ? `has an alias (\`*name\`) to no anchor (\`&name\`) set before it: ${firstLine(message)}`
          : `could not be read as YAML: ${firstLine(message)}`;
    return { problems: [alias === undefined ? { file, message: text, severity: 'error' } : { ...problem(alias.offset, text), ...(alias.field === undefined ? {} : { field: alias.field }) }] };
  }
  if (isCircular(value)) {
    const alias = firstAlias(document);
    const text = 'has an alias (`*name`) inside the value its anchor (`&name`) names, so the value never ends; write the values out instead';
    return { problems: [alias === undefined ? { file, message: text, severity: 'error' } : { ...problem(alias.offset, text), ...(alias.field === undefined ? {} : { field: alias.field }) }] };
  }
  if (value !== null && value !== undefined && (typeof value !== 'object' || Array.isArray(value) || !isPlainRecord(value))) {
    const kind = Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'not a map' : `a single ${typeof value === 'string' ? 'text' : typeof value}`;
    const contents = document.contents;
    const at = yaml().isNode(contents) && contents.range ? contents.range[0] : 0;
    return { problems: [problem(at, `must be a map of fields, one \`field: value\` a line, but its top level is ${kind}`)] };
  }
  return {
    problems: [],
    source: { value, lineOf: (path) => lineOfPath(document, lineCounter, path, lineOffset), textOf: (path) => textOfPath(text, document, path) },
  };
}

/** Where the first alias is (offset, and the dotted field holding it), where an alias bomb or a dangling alias is reported. */
function firstAlias(document: Document): { offset: number; field?: string } | undefined {
  let found: { offset: number; field?: string } | undefined;
  const { visit, isAlias, isPair, isScalar } = yaml();
  try {
    visit(document, (_key, node, path) => {
      if (!isAlias(node) || !node.range) return undefined;
      const keys = path.filter((step) => isPair(step)).map((pair) => (isScalar(pair.key) ? String(pair.key.value) : String(pair.key)));
      found = { offset: node.range[0], ...(keys.length > 0 ? { field: keys.join('.') } : {}) };
      return visit.BREAK;
    });
  } catch {
    // No line, then: the problem is still told, with the file.
  }
  return found;
}

/** Where the first list or map deeper than MAX_NESTING starts (its offset), found without recursion. */
function firstPastNesting(document: Document): number | undefined {
  const { isCollection, isPair } = yaml();
  const stack: Array<{ node: unknown; depth: number }> = [{ node: document.contents, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (!isCollection(node)) continue;
    if (depth > MAX_NESTING) return node.range?.[0] ?? 0;
    // Last item pushed first: the walk goes in the file's order, so the first too deep is the one reported.
    for (let index = node.items.length - 1; index >= 0; index -= 1) {
      const item: unknown = node.items[index];
      if (isPair(item)) stack.push({ node: item.value, depth: depth + 1 }, { node: item.key, depth: depth + 1 });
      else stack.push({ node: item, depth: depth + 1 });
    }
  }
  return undefined;
}

function isStackOverflow(message: string): boolean {
  return /maximum call stack/i.test(message);
}

/** What the parser or a walk of its document threw, as the file's problem (no line: it did not say one). */
function unreadable(file: string, error: unknown): Problem {
  const message = errorMessage(error);
  return { file, message: isStackOverflow(message) ? NESTING_PROBLEM : `could not be read as YAML: ${firstLine(message)}`, severity: 'error' };
}

/** The first key given twice in one map (its offset, the key, and the field of the map), in one pass over the document. */
function firstDuplicateKey(document: Document): { offset: number; key: string; field?: string } | undefined {
  let found: { offset: number; key: string; field?: string } | undefined;
  const { visit, isPair, isScalar } = yaml();
  visit(document, {
    Map(_key, map, path) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        // Merge keys (`<<`) may repeat: each brings in another map.
        if (key === '<<') continue;
        if (seen.has(key)) {
          const keys = path.filter((step) => isPair(step)).map((step) => (isScalar(step.key) ? String(step.key.value) : String(step.key)));
          const node = pair.key as { range?: [number, number, number] } | null;
          found = { offset: node?.range?.[0] ?? 0, key, field: [...keys, key].join('.') };
          return visit.BREAK;
        }
        seen.add(key);
      }
      return undefined;
    },
  });
  return found;
}

/**
 * True when a value holds itself (`a: &a [*a]`): every reader after this one (the schema, the
 * parse cache's JSON) would go round it for ever. Aliases are capped, so the walk is bounded.
 */
function isCircular(value: unknown, ancestors = new Set<object>()): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (ancestors.has(value)) return true;
  ancestors.add(value);
  const children = value instanceof Map ? [...value.values()] : value instanceof Set ? [...value] : Array.isArray(value) ? value : Object.values(value);
  const found = children.some((child) => isCircular(child, ancestors));
  ancestors.delete(value);
  return found;
}

function isPlainRecord(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function lineOfPath(
  document: Document,
  lineCounter: InstanceType<ReturnType<typeof yaml>['LineCounter']>,
  path: ReadonlyArray<string | number>,
  lineOffset: number,
): number | undefined {
  for (let length = path.length; length >= 0; length -= 1) {
    const node = length === 0 ? document.contents : document.getIn(path.slice(0, length), true);
    if (yaml().isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line + lineOffset;
  }
  return undefined;
}

function textOfPath(text: string, document: Document, path: ReadonlyArray<string | number>): string | undefined {
  const node = document.getIn(path, true);
  return yaml().isScalar(node) && node.range ? text.slice(node.range[0], node.range[1]) : undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
