import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readOrgRecords } from '../analysis/records/read-records.js';
import { deliveriesOf } from '../analysis/records/deliveries.js';
import { EXIT, LemmingError } from '../errors.js';
import { loadOrgForReading } from '../org/load-org-once.js';
import { CHART_FILE, HUMAN } from '../org/names.js';
import type { Org } from '../org/org.js';
import { postableLists, readersOf } from '../org/lists/recipients.js';
import { reachableFrom, reachesEveryone } from '../org/permissions.js';
import { directedNetwork, type DirectedNetwork } from './directed-network.js';
import { nodesWithLabels, readDepartmentLabels, readEdgeList } from './edge-list.js';

/** The real network of an edge list (and its departments, with a labels file). */
export function realNetwork(edgesFile: string, labelsFile?: string): { source: string; labels?: string; network: DirectedNetwork } {
  const list = readEdgeList(edgesFile);
  if (labelsFile === undefined) return { source: edgesFile, network: directedNetwork(list.nodes, list.edges) };
  const labels = readDepartmentLabels(labelsFile);
  return { source: edgesFile, labels: labelsFile, network: directedNetwork(nodesWithLabels(list, labels), list.edges, labels.departments) };
}

/**
 * An agent's department: its resume's `persona: department` (as `import-network` and `populate`
 * write it), else the agent at the top of its branch of the chart (the one reporting to the human).
 */
function departmentOf(org: Org, name: string): string {
  const agent = org.agents.get(name);
  const given = agent?.persona?.department;
  if (given !== undefined) return String(given);
  let top = name;
  const seen = new Set<string>();
  for (let manager = agent?.reportsTo; manager && manager !== HUMAN && !seen.has(manager); manager = org.agents.get(manager)?.reportsTo) {
    seen.add(manager);
    top = manager;
  }
  return top;
}

/**
 * Whom each agent may write to under the org's chart: those both ends of an edge let it reach, and
 * the members of each mailing list it may post to (the human left out): the recipients the
 * chart-constrained null draws among.
 */
function chartRecipients(org: Org, people: readonly string[]): Map<string, string[] | 'everyone'> {
  return new Map(
    people.map((name): [string, string[] | 'everyone'] => {
      // A chart of "*" is not listed: at 10,000 agents that would be 10⁸ names.
      if (reachesEveryone(org, name)) return [name, 'everyone'];
      const reached = new Set(reachableFrom(org, name));
      for (const list of postableLists(org, name)) for (const member of readersOf(org, name, [list])) reached.add(member);
      reached.delete(HUMAN);
      reached.delete(name);
      return [name, [...reached]];
    }),
  );
}

/** A run's communication network from its message files: the agents (the human left out) and who wrote to whom, a message to k people k edges, and whom its chart let each write to. */
export function runNetwork(root: string): { source: string; network: DirectedNetwork } {
  if (!existsSync(join(root, CHART_FILE))) throw new LemmingError('not-an-org', `not an org: no ${CHART_FILE} in ${root}; give --root an org folder, or --runs an experiment's folder of runs`, { exitCode: EXIT.usage });
  const { org } = loadOrgForReading(root);
  const people = [...org.agents.keys()].filter((name) => name !== HUMAN);
  const departments = new Map(people.map((name) => [name, departmentOf(org, name)]));
  const records = readOrgRecords(org);
  return { source: root, network: { ...directedNetwork(people, deliveriesOf(records).map((delivery): [string, string] => [delivery.from, delivery.to]), departments), allowed: chartRecipients(org, people) } };
}

/** The variant a run's folder belongs to: `baseline-r2` is a repeat of `baseline`. */
function variantOf(run: string): string {
  return run.replace(/-r\d+$/, '');
}

/**
 * The run folders under an experiment's folder (every folder holding an org), in name order: those
 * of `variant`, or of its one variant; runs of several variants are not repeats of one, so without
 * `variant` they are refused, naming them.
 */
export function runFolders(folder: string, variant?: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(folder, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch {
    throw new LemmingError('runs-missing', `${folder}: no such folder; --runs takes an experiment's folder, like experiments/eu-core`, { exitCode: EXIT.usage });
  }
  const all = entries.sort().filter((name) => existsSync(join(folder, name, CHART_FILE)));
  if (all.length === 0) throw new LemmingError('runs-missing', `${folder}: holds no run (no folder with ${CHART_FILE}); --runs takes an experiment's folder, like experiments/eu-core`, { exitCode: EXIT.usage });
  const variants = [...new Set(all.map(variantOf))];
  if (variant === undefined && variants.length > 1) {
    throw new LemmingError('runs-variants', `${folder}: holds runs of ${variants.length} variants (${variants.join(', ')}), which are not repeats of one; say which with --variant ${variants[0]}`, { exitCode: EXIT.usage });
  }
  const runs = variant === undefined ? all : all.filter((name) => variantOf(name) === variant);
  if (runs.length === 0) throw new LemmingError('runs-missing', `${folder}: holds no run of variant ${JSON.stringify(variant)}; its variants are ${variants.join(', ')}`, { exitCode: EXIT.usage });
  return runs.map((name) => join(folder, name));
}
