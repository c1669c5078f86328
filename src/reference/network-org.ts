import { MAX_ORG_YAML_BYTES } from '../editable/edited-file.js';
import { EXIT, LemmingError } from '../errors.js';
import { formatCount } from '../format/format.js';
import { HUMAN } from '../org/names.js';
import { agentNames, type Arrangement, type Position } from '../population/arrange-people.js';
import { chartEntryBytes, chartHeadBytes } from '../population/population-files.js';
import type { PopulationSpec, RoleSpec } from '../population/population-types.js';
import type { EdgeList } from './edge-list.js';

/**
 * A real network as an org's people: one agent per person, each department a team under a lead
 * (the person who wrote to the most colleagues of the department; the lowest id on a tie) who
 * reports to the human. The chart's edges are drawn from the institution's structure, not from the
 * edges a run is compared with:
 * - `structure` (the default): everyone may write to and read everyone of their own department, and
 *   the leads each other and the human. Of the data it uses only the departments and, to choose each
 *   lead, who wrote to whom inside a department; who writes across departments is left to the run.
 * - `department`: everyone of one's department, and nobody else (the leads do not meet).
 * - `edges`: who wrote to whom in the data (a person may write to those they wrote to and read those
 *   who wrote to them). A run on it can only draw a subgraph of the network it is compared with, so
 *   the comparison is circular; kept to see how close a model comes when told whom to write to.
 * Either way a member and its lead may write to each other: the reporting line, as `lemming
 * populate`'s charts have it. Agents are named `agent_00001`, … in
 * chart order: department by department (in the labels' order of ids), the lead first, then the
 * members by node id. Each resume's `persona:` holds the person's `department` and `node` (the id
 * in the data), so an analysis can group by department and find the person again. Pure.
 */

/** How the chart's edges are drawn. */
export type ChartEdges = 'structure' | 'department' | 'edges';

/** The charts, the default first. */
export const CHART_EDGES: readonly ChartEdges[] = ['structure', 'department', 'edges'];

/** What an imported network is made into. */
export interface NetworkOrgSettings {
  name: string;
  chart: ChartEdges;
  model: string;
  credits: number;
}

/** The people of a network arranged as an org, with what the chart holds. */
export interface NetworkOrg {
  spec: PopulationSpec;
  arrangement: Arrangement;
  departments: number;
  /** Edges between two people in the data (self-loops left out), and the self-loops. */
  edges: number;
  selfLoops: number;
  /** Directed edges the chart permits between agents (the human's left out), and how many of them the data has no edge for. */
  chartEdges: number;
  addedEdges: number;
  /** The chart's bytes with an empty comment line, counted before any list was built (what refuses a chart too large to load). */
  countedChartBytes: number;
}

/** Node ids in a stable order: by number when both are numbers, else as text. */
function byId(left: string, right: string): number {
  const a = Number(left);
  const b = Number(right);
  if (Number.isInteger(a) && Number.isInteger(b)) return a - b;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** A role as a population spec holds one. */
function role(title: string, instructions: string, settings: NetworkOrgSettings): RoleSpec {
  return { title, instructions, model: settings.model, credits: settings.credits, tools: ['send_message', 'remember'] };
}

/** The single department of a network given no labels. */
export const ONE_DEPARTMENT = 'all';

export function networkOrg(list: EdgeList, people: readonly string[], labels: ReadonlyMap<string, string> | undefined, settings: NetworkOrgSettings): NetworkOrg {
  const department = (node: string): string => labels?.get(node) ?? ONE_DEPARTMENT;
  const out = new Map<string, Set<string>>(people.map((node) => [node, new Set()]));
  const into = new Map<string, Set<string>>(people.map((node) => [node, new Set()]));
  let selfLoops = 0;
  for (const [from, to] of list.edges) {
    if (from === to) {
      selfLoops += 1;
      continue;
    }
    out.get(from)?.add(to);
    into.get(to)?.add(from);
  }

  const groups = new Map<string, string[]>();
  for (const node of [...people].sort(byId)) {
    const key = department(node);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [node]);
    else group.push(node);
  }
  const order = [...groups.keys()].sort(byId);
  const insideOut = (node: string): number => [...(out.get(node) ?? [])].filter((other) => department(other) === department(node)).length;
  const placed: Array<{ node: string; lead: boolean; department: string }> = [];
  for (const key of order) {
    const group = groups.get(key) as string[];
    let lead = group[0] as string;
    for (const node of group) if (insideOut(node) > insideOut(lead)) lead = node;
    placed.push({ node: lead, lead: true, department: key });
    for (const node of group) if (node !== lead) placed.push({ node, lead: false, department: key });
  }

  const names = agentNames(placed.length);
  const nameOf = new Map(placed.map((entry, index) => [entry.node, names[index] as string]));
  const nodeOf = new Map(placed.map((entry, index) => [names[index] as string, entry.node]));
  const leadOf = new Map<string, string>();
  for (const entry of placed) if (entry.lead) leadOf.set(entry.department, nameOf.get(entry.node) as string);
  const members = new Map<string, string[]>();
  for (const entry of placed) {
    if (entry.lead) continue;
    const list = members.get(entry.department) ?? [];
    list.push(nameOf.get(entry.node) as string);
    members.set(entry.department, list);
  }

  const sizeOf = new Map<string, number>([...groups].map(([key, group]) => [key, group.length]));
  const leadNode = new Map(placed.filter((entry) => entry.lead).map((entry) => [entry.department, entry.node]));
  const countedChartBytes = refuseOversizedChart(list.file, settings.chart, placed, { width: (names[0] ?? '').length, sizeOf, leadNode, out, into, department });

  let chartEdges = 0;
  let observedEdges = 0;
  const leads = [...leadOf.values()];
  const positions: Position[] = placed.map((entry, index) => {
    const name = names[index] as string;
    // The reporting line: a lead writes to and reads the human and its members, a member its lead.
    const line = entry.lead ? [HUMAN, ...(members.get(entry.department) ?? [])] : [leadOf.get(entry.department) as string];
    let sendTo: string[];
    let readFrom: string[];
    if (settings.chart !== 'edges') {
      const otherLeads = entry.lead && settings.chart === 'structure' ? leads : [];
      const everyone = [...new Set([...(entry.lead ? [HUMAN] : []), leadOf.get(entry.department) as string, ...(members.get(entry.department) ?? []), ...otherLeads])].filter((other) => other !== name);
      sendTo = everyone;
      readFrom = everyone;
    } else {
      sendTo = [...new Set([...line, ...[...(out.get(entry.node) ?? [])].sort(byId).map((node) => nameOf.get(node) as string)])];
      readFrom = [...new Set([...line, ...[...(into.get(entry.node) ?? [])].sort(byId).map((node) => nameOf.get(node) as string)])];
    }
    chartEdges += sendTo.filter((other) => other !== HUMAN).length;
    const wrote = out.get(entry.node) ?? new Set<string>();
    for (const other of sendTo) if (wrote.has(nodeOf.get(other) ?? '')) observedEdges += 1;
    return {
      name,
      role: entry.lead ? 'lead' : 'member',
      person: { department: entry.department, node: entry.node },
      reportsTo: entry.lead ? HUMAN : (leadOf.get(entry.department) as string),
      contacts: sendTo,
      readFrom,
    };
  });

  const spec: PopulationSpec = {
    file: list.file,
    name: settings.name,
    seed: 0,
    size: positions.length,
    // The resumes' `persona:` lists these attributes by name, in this order; nothing samples them.
    attributes: [
      { name: 'department', kind: 'categorical', values: order, shares: order.map((key) => (groups.get(key)?.length ?? 0) / positions.length) },
      { name: 'node', kind: 'categorical', values: [], shares: [] },
    ],
    structure: { departments: 'department', peers: settings.chart !== 'edges' },
    roles: {
      lead: role(
        'Lead of department {department}: hands the department\'s work out and reports back',
        'You lead department {department}. When you are given a task, split it between the members of your department, and report back to whoever asked once they have reported.',
        settings,
      ),
      member: role('Member of department {department}: does the department\'s work', 'Report to {manager}. Do what you are asked and report back to whoever asked.', settings),
    },
    persona: `You are {name}, person {node} of the communication network in ${list.file.split('/').pop() ?? list.file}, in department {department}.`,
  };
  return {
    spec,
    arrangement: { positions, top: positions.filter((position) => position.role === 'lead').map((position) => position.name) },
    departments: order.length,
    edges: list.edges.length - selfLoops,
    selfLoops,
    chartEdges,
    addedEdges: chartEdges - observedEdges,
    countedChartBytes,
  };
}

/** What the chart's size is counted from: what networkOrg knows before it builds any list. */
interface ChartCounts {
  /** The width of every agent's name (they are numbered to one width). */
  width: number;
  sizeOf: ReadonlyMap<string, number>;
  leadNode: ReadonlyMap<string, string>;
  out: ReadonlyMap<string, ReadonlySet<string>>;
  into: ReadonlyMap<string, ReadonlySet<string>>;
  department: (node: string) => string;
}

/**
 * Refuse, before any agent's lists are built, a network whose chart the loader would refuse: its
 * bytes counted as chartText writes them (chartEntryBytes) from each person's edges with `--chart
 * edges`, or else from the department sizes and the number of leads (a department of 3,000 lists 3,000 names 3,000 times
 * over: 234 MB). The chart's comment line is left out, so what is refused here surely does not fit;
 * planPopulation measures the whole chart again, to the byte, before anything is written. Returns
 * the bytes counted.
 */
function refuseOversizedChart(file: string, chart: ChartEdges, placed: ReadonlyArray<{ node: string; lead: boolean; department: string }>, counts: ChartCounts): number {
  const { width, department } = counts;
  const list = (agents: number, human: boolean) => ({ count: agents + (human ? 1 : 0), chars: agents * width + (human ? HUMAN.length : 0) });
  // A person's lists: the reporting line, and those written to (heard from) beyond it.
  const beyond = (node: string, edges: ReadonlyMap<string, ReadonlySet<string>>, line: (other: string) => boolean): number => {
    let count = 0;
    for (const other of edges.get(node) ?? []) if (!line(other)) count += 1;
    return count;
  };
  let bytes = chartHeadBytes('', list(counts.leadNode.size, false));
  let largest = 0;
  for (const entry of placed) {
    const size = counts.sizeOf.get(entry.department) ?? 1;
    largest = Math.max(largest, size);
    if (chart !== 'edges') {
      // Under `structure` a lead lists the other leads too, in both of its lists.
      const otherLeads = entry.lead && chart === 'structure' ? counts.leadNode.size - 1 : 0;
      bytes += chartEntryBytes(width, entry.lead ? HUMAN.length : width, list(size - 1 + otherLeads, entry.lead));
      continue;
    }
    const line = entry.lead ? (other: string) => department(other) === entry.department : (other: string) => other === counts.leadNode.get(entry.department);
    const lineSize = entry.lead ? size - 1 : 1;
    bytes += chartEntryBytes(width, entry.lead ? HUMAN.length : width, list(lineSize + beyond(entry.node, counts.out, line), entry.lead), list(lineSize + beyond(entry.node, counts.into, line), entry.lead));
  }
  if (bytes <= MAX_ORG_YAML_BYTES) return bytes;
  const limit = `lemming reads at most ${formatCount(MAX_ORG_YAML_BYTES)} bytes of it`;
  const message =
    chart !== 'edges'
      ? `--chart ${chart}: org/chart.yaml would be ${formatCount(bytes)} bytes (everyone listing everyone of their department, the largest ${formatCount(largest)} people${chart === 'structure' ? `, and ${formatCount(counts.leadNode.size)} leads listing each other` : ''}); ${limit}: give --labels with smaller departments, or use --chart edges (who wrote to whom: circular, see docs/validation.md)`
      : `--chart edges: org/chart.yaml would be ${formatCount(bytes)} bytes (who wrote to whom, and each department's reporting lines); ${limit}: import a part of the network`;
  throw new LemmingError('network-too-large', `${file}: ${message}`, { exitCode: EXIT.usage });
}
