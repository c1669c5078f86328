import { HUMAN } from '../org/names.js';
import { agentNames, type Arrangement, type Position } from '../population/arrange-people.js';
import type { PopulationSpec, RoleSpec } from '../population/population-types.js';
import type { EdgeList } from './edge-list.js';

/**
 * A real network as an org's people: one agent per person, each department a team under a lead
 * (the person who wrote to the most colleagues of the department; the lowest id on a tie) who
 * reports to the human, and the chart's edges either who wrote to whom in the data (`observed`:
 * a person may write to those they wrote to and read those who wrote to them) or everyone of one's
 * department (`department`). Either way a member and its lead may write to each other: the
 * reporting line, as `lemming populate`'s charts have it. Agents are named `agent_00001`, … in
 * chart order: department by department (in the labels' order of ids), the lead first, then the
 * members by node id. Each resume's `persona:` holds the person's `department` and `node` (the id
 * in the data), so an analysis can group by department and find the person again. Pure.
 */

/** How the chart's edges are drawn. */
export type ChartEdges = 'observed' | 'department';

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

  let chartEdges = 0;
  let observedEdges = 0;
  const positions: Position[] = placed.map((entry, index) => {
    const name = names[index] as string;
    // The reporting line: a lead writes to and reads the human and its members, a member its lead.
    const line = entry.lead ? [HUMAN, ...(members.get(entry.department) ?? [])] : [leadOf.get(entry.department) as string];
    let sendTo: string[];
    let readFrom: string[];
    if (settings.chart === 'department') {
      const everyone = [...(entry.lead ? [HUMAN] : []), leadOf.get(entry.department) as string, ...(members.get(entry.department) ?? [])].filter((other) => other !== name);
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
    structure: { departments: 'department', peers: settings.chart === 'department' },
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
  };
}
