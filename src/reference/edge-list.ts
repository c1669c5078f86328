import { readFileSync } from 'node:fs';
import { MAX_ORG_YAML_BYTES } from '../editable/edited-file.js';
import { LemmingError } from '../errors.js';
import { formatCount } from '../format/format.js';
import { agentNames } from '../population/arrange-people.js';

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

/**
 * The most distinct edges an edge list may hold: org/chart.yaml lists each edge twice (in its
 * sender's `send_to` and its recipient's `read_from`), each time an agent name of at least 11
 * characters and its `, `, so an edge list with more would make a chart past MAX_ORG_YAML_BYTES,
 * which the loader refuses. Reading stops there, so a dense network (a complete graph on 2,000
 * people is 4 million edges) is refused in bounded memory, before anything is built from it.
 */
export const MAX_NETWORK_EDGES = Math.floor(MAX_ORG_YAML_BYTES / (2 * ((agentNames(1)[0] as string).length + ', '.length)));

/** The lines of a text with their numbers, without the empty ones and `#` comments, one at a time (a 35 MB list is not split into millions of strings at once). */
function* dataLines(text: string): Generator<{ line: number; fields: string[] }> {
  let line = 0;
  for (let start = 0; start < text.length; ) {
    const end = text.indexOf('\n', start);
    const stop = end < 0 ? text.length : end;
    line += 1;
    const content = text.slice(start, stop).replace(/\r$/, '').trim();
    start = stop + 1;
    if (content === '' || content.startsWith('#')) continue;
    yield { line, fields: content.split(/[ \t]+/) };
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

/** An edge list from its text; `problems` has every bad line; `tooMany` when it holds more than `maxEdges` distinct edges (reading stopped there). Pure. */
export function parseEdgeList(text: string, file: string, maxEdges = Number.POSITIVE_INFINITY): { list: EdgeList; problems: LineProblem[]; tooMany?: true } {
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
    // Below 2^53 while there are fewer than 2^26 nodes; an edge list stops far sooner (maxEdges).
    const key = from * 2 ** 26 + to;
    if (seenEdges.has(key)) {
      repeated += 1;
      continue;
    }
    if (edges.length >= maxEdges) return { list: { file, nodes, edges, repeated }, problems, tooMany: true };
    seenEdges.add(key);
    edges.push([nodes[from] as string, nodes[to] as string]);
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

/** Read an edge list file; exit 2 naming every bad line (the first ten), or, with `forChart` (an org is made of it), more edges than a chart can hold. */
export function readEdgeList(file: string, forChart = false): EdgeList {
  const { list, problems, tooMany } = parseEdgeList(readText(file, 'edge list'), file, forChart ? MAX_NETWORK_EDGES : Number.POSITIVE_INFINITY);
  if (problems.length > 0) refuse(file, problems);
  if (tooMany) {
    const most = formatCount(MAX_NETWORK_EDGES);
    throw new LemmingError(
      'network-too-large',
      `${file}: holds more than ${most} distinct edges; org/chart.yaml lists each edge twice (its sender's send_to, its recipient's read_from), so more than ${most} would pass the ${formatCount(MAX_ORG_YAML_BYTES)} bytes lemming reads of it: import a part of the network`,
      { exitCode: 2 },
    );
  }
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
