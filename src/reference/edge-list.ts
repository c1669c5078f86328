import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { EXIT, LemmingError } from '../errors.js';
import { formatCount } from '../format/format.js';
import { NETWORK_LIMITS, networkTooLarge, ordinal } from './network-limits.js';

/**
 * A real communication network as SNAP publishes one (`email-Eu-core.txt`): a line per directed
 * edge, `SENDER RECIPIENT`, the two node ids separated by spaces or a tab; and, beside it, the
 * department of each node (`email-Eu-core-department-labels.txt`: `NODE DEPARTMENT`). Lines that
 * are empty or begin with `#` (SNAP's own headers) are skipped; Windows line ends are read too.
 * Parsing is pure and collects every bad line; reading a file throws once with them all. Both are
 * bounded (network-limits.ts): a file is read up to its bound of bytes, and parsing stops at the
 * line that goes past the bound of edges or people.
 */

/** A directed edge list as read: node ids as written, each edge once, in the file's order. */
export interface EdgeList {
  /** The file, as given (errors and reports name it). */
  file: string;
  /** Every node named by an edge, in the order first named. */
  nodes: string[];
  /** Each distinct directed edge once, self-loops included (a person who wrote to themselves). */
  edges: Array<[string, string]>;
  /** Lines that repeated an edge already read (the edge counts once). */
  repeated: number;
}

/** Each node's department, as read from a labels file. */
export interface DepartmentLabels {
  file: string;
  /** Node id to department, in the file's order. */
  departments: Map<string, string>;
}

/** One bad line: where and why, with what a valid line looks like. */
export interface LineProblem {
  line: number;
  message: string;
}

/** A node id or a department: letters, digits, `_`, `-` and `.`, as SNAP's integer ids and any tidy label are. */
export const ID = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The lines of a text with their numbers, without the empty ones and `#` comments, one at a time:
 * a file of 64 MiB of short lines is some 16 million of them, which held at once took 2.9 GB.
 */
export function* dataLines(text: string): Generator<{ line: number; fields: string[] }> {
  let number = 0;
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    number += 1;
    const content = text.slice(start, end).replace(/\r$/, '').trim();
    start = end + 1;
    if (content === '' || content.startsWith('#')) continue;
    yield { line: number, fields: content.split(/[ \t]+/) };
  }
}

/** Why two fields are not a valid line, or undefined when they are. */
function twoIds(fields: readonly string[], example: string, names: [string, string]): string | undefined {
  if (fields.length !== 2) return `has ${fields.length} field(s); a line holds two, ${names[0]} and ${names[1]}, separated by a space or a tab, like \`${example}\``;
  for (const [index, field] of fields.entries()) {
    if (!ID.test(field)) return `${names[index]} ${JSON.stringify(field.slice(0, 40))} is not an id (letters, digits, "_", "-", "."; at most 64); a valid line looks like \`${example}\``;
  }
  return undefined;
}

/** An edge list from its text; `problems` has every bad line, `tooLarge` the line past a bound. Pure. */
export function parseEdgeList(text: string, file: string, limits: { edges: number; people: number } = NETWORK_LIMITS): { list: EdgeList; problems: LineProblem[]; tooLarge?: LineProblem } {
  const nodes: string[] = [];
  // Each node once, by its number: an edge is kept as two numbers and the node's one string, not as new text.
  const nodeIndex = new Map<string, number>();
  const seenEdges = new Set<number>();
  const edges: Array<[string, string]> = [];
  const problems: LineProblem[] = [];
  let repeated = 0;
  const indexOf = (node: string): number => {
    let index = nodeIndex.get(node);
    if (index === undefined) {
      index = nodes.length;
      nodeIndex.set(node, index);
      nodes.push(node);
    }
    return index;
  };
  for (const { line, fields } of dataLines(text)) {
    const problem = twoIds(fields, '0 17', ['the sender', 'the recipient']);
    if (problem !== undefined) {
      problems.push({ line, message: problem });
      continue;
    }
    const from = indexOf(fields[0] as string);
    const to = indexOf(fields[1] as string);
    if (nodes.length > limits.people) return { list: { file, nodes: nodes.slice(0, limits.people), edges, repeated }, problems, tooLarge: { line, message: `names the ${ordinal(limits.people + 1)} person` } };
    // Below 2^53 while there are fewer than 2^26 nodes; an edge list stops far sooner (limits.people).
    const key = from * 2 ** 26 + to;
    if (seenEdges.has(key)) {
      repeated += 1;
      continue;
    }
    if (edges.length === limits.edges) return { list: { file, nodes, edges, repeated }, problems, tooLarge: { line, message: `the ${ordinal(limits.edges + 1)} distinct edge` } };
    seenEdges.add(key);
    edges.push([nodes[from] as string, nodes[to] as string]);
  }
  if (edges.length === 0 && problems.length === 0) problems.push({ line: 1, message: 'holds no edge; a line per edge, `SENDER RECIPIENT`, like `0 17`' });
  return { list: { file, nodes, edges, repeated }, problems };
}

/** Department labels from their text; a node labelled twice is a problem, `tooLarge` the line past the bound of people. Pure. */
export function parseDepartmentLabels(text: string, file: string, limits: { people: number } = NETWORK_LIMITS): { labels: DepartmentLabels; problems: LineProblem[]; tooLarge?: LineProblem } {
  const departments = new Map<string, string>();
  const problems: LineProblem[] = [];
  for (const { line, fields } of dataLines(text)) {
    const problem = twoIds(fields, '0 1', ['the node', 'the department']);
    if (problem !== undefined) {
      problems.push({ line, message: problem });
      continue;
    }
    const [node, department] = fields as [string, string];
    const earlier = departments.get(node);
    if (earlier !== undefined) {
      problems.push({ line, message: `node ${node} is labelled again (department ${department}; it was ${earlier}); each node has one department` });
      continue;
    }
    if (departments.size === limits.people) return { labels: { file, departments }, problems, tooLarge: { line, message: `labels the ${ordinal(limits.people + 1)} person` } };
    departments.set(node, department);
  }
  if (departments.size === 0 && problems.length === 0) problems.push({ line: 1, message: 'holds no label; a line per node, `NODE DEPARTMENT`, like `0 1`' });
  return { labels: { file, departments }, problems };
}

/** The most bad lines an error lists; the rest are counted. */
const LISTED_PROBLEMS = 10;

/**
 * A file's text, read up to the bound of bytes: a larger file is refused by its size before a byte
 * is read, and a pipe or device without waiting on it (opening a pipe for reading blocks until
 * someone writes).
 */
export function readText(file: string, what: string): string {
  const unreadable = (reason: string) => new LemmingError('network-unreadable', `${file}: cannot read the ${what} (${reason}); give the path of a file like data/email-eu-core/email-Eu-core.txt`, { exitCode: EXIT.usage });
  let descriptor: number;
  try {
    descriptor = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw unreadable((error as NodeJS.ErrnoException).code ?? String(error));
  }
  try {
    const stat = fstatSync(descriptor);
    if (!stat.isFile()) throw unreadable(stat.isDirectory() ? 'a folder' : 'not a regular file');
    const limit = NETWORK_LIMITS.fileBytes;
    if (stat.size > limit) throw new LemmingError('network-too-large', `${file}: is ${formatCount(stat.size)} bytes; an edge list or labels file is read up to ${limit / 1024 / 1024} MiB (${formatCount(limit)} bytes): give a part of the network`, { exitCode: EXIT.usage });
    // One byte past the bound: a file that grew since its size was taken is refused too.
    const buffer = Buffer.allocUnsafe(Math.min(stat.size, limit) + 1);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(descriptor, buffer, length, buffer.length - length, length);
      if (read === 0) break;
      length += read;
    }
    if (length > limit) throw new LemmingError('network-too-large', `${file}: grew past ${limit / 1024 / 1024} MiB as it was read; an edge list or labels file is read up to ${formatCount(limit)} bytes: give a part of the network`, { exitCode: EXIT.usage });
    return buffer.toString('utf8', 0, length);
  } catch (error) {
    if (error instanceof LemmingError) throw error;
    throw unreadable((error as NodeJS.ErrnoException).code ?? String(error));
  } finally {
    closeSync(descriptor);
  }
}

export function refuse(file: string, problems: readonly LineProblem[]): never {
  const listed = problems.slice(0, LISTED_PROBLEMS).map((problem) => `${file}:${problem.line}: ${problem.message}`);
  if (problems.length > LISTED_PROBLEMS) listed.push(`(and ${problems.length - LISTED_PROBLEMS} more bad line(s))`);
  throw new LemmingError('network-invalid', listed.join('\n'), { exitCode: EXIT.usage });
}

/** Read an edge list file; exit 2 naming every bad line (the first ten). */
export function readEdgeList(file: string): EdgeList {
  const { list, problems, tooLarge } = parseEdgeList(readText(file, 'edge list'), file);
  if (problems.length > 0) refuse(file, problems);
  if (tooLarge !== undefined) throw networkTooLarge(`${file}:${tooLarge.line}`, tooLarge.message);
  return list;
}

/** Read a department labels file; exit 2 naming every bad line (the first ten). */
export function readDepartmentLabels(file: string): DepartmentLabels {
  const { labels, problems, tooLarge } = parseDepartmentLabels(readText(file, 'department labels'), file);
  if (problems.length > 0) refuse(file, problems);
  if (tooLarge !== undefined) throw networkTooLarge(`${file}:${tooLarge.line}`, tooLarge.message);
  return labels;
}

/**
 * The edge list's nodes with the labels' nodes added (a person with a department who wrote and got
 * nothing is still a person), and a problem when an edge names a node the labels leave out.
 */
export function nodesWithLabels(list: EdgeList, labels: DepartmentLabels): string[] {
  const missing = list.nodes.filter((node) => !labels.departments.has(node));
  if (missing.length > 0) {
    throw new LemmingError('network-invalid', `${labels.file}: has no department for node(s) ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''} of ${list.file}; add a line \`${missing[0]} DEPARTMENT\` for each`, { exitCode: EXIT.usage });
  }
  const nodes = [...list.nodes];
  const named = new Set(nodes);
  for (const node of labels.departments.keys()) if (!named.has(node)) nodes.push(node);
  return nodes;
}
