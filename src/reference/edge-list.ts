import { readFileSync } from 'node:fs';
import { LemmingError } from '../errors.js';

/**
 * A real communication network as SNAP publishes one (`email-Eu-core.txt`): a line per directed
 * edge, `SENDER RECIPIENT`, the two node ids separated by spaces or a tab; and, beside it, the
 * department of each node (`email-Eu-core-department-labels.txt`: `NODE DEPARTMENT`). Lines that
 * are empty or begin with `#` (SNAP's own headers) are skipped; Windows line ends are read too.
 * Parsing is pure and collects every bad line; reading a file throws once with them all.
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
const ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** The lines of a text with their numbers, without the empty ones and `#` comments. */
function dataLines(text: string): Array<{ line: number; fields: string[] }> {
  const lines: Array<{ line: number; fields: string[] }> = [];
  text.split('\n').forEach((raw, index) => {
    const content = raw.replace(/\r$/, '').trim();
    if (content === '' || content.startsWith('#')) return;
    lines.push({ line: index + 1, fields: content.split(/[ \t]+/) });
  });
  return lines;
}

/** Why two fields are not a valid line, or undefined when they are. */
function twoIds(fields: readonly string[], example: string, names: [string, string]): string | undefined {
  if (fields.length !== 2) return `has ${fields.length} field(s); a line holds two, ${names[0]} and ${names[1]}, separated by a space or a tab, like \`${example}\``;
  for (const [index, field] of fields.entries()) {
    if (!ID.test(field)) return `${names[index]} ${JSON.stringify(field.slice(0, 40))} is not an id (letters, digits, "_", "-", "."; at most 64); a valid line looks like \`${example}\``;
  }
  return undefined;
}

/** An edge list from its text; `problems` has every bad line. Pure. */
export function parseEdgeList(text: string, file: string): { list: EdgeList; problems: LineProblem[] } {
  const nodes: string[] = [];
  const seenNodes = new Set<string>();
  const seenEdges = new Set<string>();
  const edges: Array<[string, string]> = [];
  const problems: LineProblem[] = [];
  let repeated = 0;
  for (const { line, fields } of dataLines(text)) {
    const problem = twoIds(fields, '0 17', ['the sender', 'the recipient']);
    if (problem !== undefined) {
      problems.push({ line, message: problem });
      continue;
    }
    const [from, to] = fields as [string, string];
    const key = `${from} ${to}`;
    if (seenEdges.has(key)) {
      repeated += 1;
      continue;
    }
    seenEdges.add(key);
    edges.push([from, to]);
    for (const node of [from, to]) {
      if (!seenNodes.has(node)) {
        seenNodes.add(node);
        nodes.push(node);
      }
    }
  }
  if (edges.length === 0 && problems.length === 0) problems.push({ line: 1, message: 'holds no edge; a line per edge, `SENDER RECIPIENT`, like `0 17`' });
  return { list: { file, nodes, edges, repeated }, problems };
}

/** Department labels from their text; a node labelled twice is a problem. Pure. */
export function parseDepartmentLabels(text: string, file: string): { labels: DepartmentLabels; problems: LineProblem[] } {
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
    departments.set(node, department);
  }
  if (departments.size === 0 && problems.length === 0) problems.push({ line: 1, message: 'holds no label; a line per node, `NODE DEPARTMENT`, like `0 1`' });
  return { labels: { file, departments }, problems };
}

/** The most bad lines an error lists; the rest are counted. */
const LISTED_PROBLEMS = 10;

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LemmingError('network-unreadable', `${file}: cannot read the ${what} (${code ?? String(error)}); give the path of a file like data/email-eu-core/email-Eu-core.txt`, { exitCode: 2 });
  }
}

function refuse(file: string, problems: readonly LineProblem[]): never {
  const listed = problems.slice(0, LISTED_PROBLEMS).map((problem) => `${file}:${problem.line}: ${problem.message}`);
  if (problems.length > LISTED_PROBLEMS) listed.push(`(and ${problems.length - LISTED_PROBLEMS} more bad line(s))`);
  throw new LemmingError('network-invalid', listed.join('\n'), { exitCode: 2 });
}

/** Read an edge list file; exit 2 naming every bad line (the first ten). */
export function readEdgeList(file: string): EdgeList {
  const { list, problems } = parseEdgeList(readText(file, 'edge list'), file);
  if (problems.length > 0) refuse(file, problems);
  return list;
}

/** Read a department labels file; exit 2 naming every bad line (the first ten). */
export function readDepartmentLabels(file: string): DepartmentLabels {
  const { labels, problems } = parseDepartmentLabels(readText(file, 'department labels'), file);
  if (problems.length > 0) refuse(file, problems);
  return labels;
}

/**
 * The edge list's nodes with the labels' nodes added (a person with a department who wrote and got
 * nothing is still a person), and a problem when an edge names a node the labels leave out.
 */
export function nodesWithLabels(list: EdgeList, labels: DepartmentLabels): string[] {
  const missing = list.nodes.filter((node) => !labels.departments.has(node));
  if (missing.length > 0) {
    throw new LemmingError('network-invalid', `${labels.file}: has no department for node(s) ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''} of ${list.file}; add a line \`${missing[0]} DEPARTMENT\` for each`, { exitCode: 2 });
  }
  const nodes = [...list.nodes];
  const named = new Set(nodes);
  for (const node of labels.departments.keys()) if (!named.has(node)) nodes.push(node);
  return nodes;
}
