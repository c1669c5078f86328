import { basename } from 'node:path';
import { EXIT, LemmingError } from '../errors.js';
import { yamlString } from '../mailbox/front-matter-fast.js';
import { AGENT_NAME_PATTERN } from '../org/names.js';
import { requireOrgFolder } from '../org/org-folder.js';
import { AGENT_TEMPLATES_FOLDER } from '../org/templates/agent-templates.js';
import { readTemplateFiles } from '../org/templates/read-template.js';
import { holdsOrg, planPopulation, writePopulation, type WritePlan } from '../population/populate-org.js';
import { populationOrgYaml, ResumeWriter } from '../population/population-files.js';
import { MAX_SIZE } from '../population/population-types.js';
import { nodesWithLabels, readDepartmentLabels, readEdgeList } from './edge-list.js';
import { networkOrg, type ChartEdges } from './network-org.js';
import { networkPiece } from './network-piece.js';
import { addDepartmentLists, type NetworkLists } from './department-lists.js';

/** The experiment file written beside the org: a task for each department, run as seeded repeats. */
export const NETWORK_EXPERIMENT_FILE = 'network-experiment.yaml';

/** The task each lead is given by the experiment: work every member of a department does and reports on. */
export const DEPARTMENT_TASK = { subject: 'Monthly report', body: "Please prepare the department's monthly report: each of you write up your own work of the month." };

/**
 * The experiment file: the task to every lead, five repeats from seed 1 with the offline model's
 * variation at 0.5 (so the repeats differ), and the command that compares its runs with the data.
 */
function experimentText(name: string, leads: readonly string[], edgesFile: string, labels?: string): string {
  const compare = `lemming analyze --reference ${edgesFile}${labels === undefined ? '' : ` --labels ${labels}`} --runs experiments/${name}`;
  return [
    '# Written by `lemming import-network`: every department given one task, five seeded repeats.',
    `# Run it with \`lemming experiment ${NETWORK_EXPERIMENT_FILE}\` in the org's folder, then compare each run with the data:`,
    `#   ${compare}`,
    `name: ${name}`,
    'turns: 20',
    'repeats: 5',
    'seed: 1',
    'variability: 0.5',
    'messages:',
    ...leads.flatMap((lead) => [`  - to: ${lead}`, `    subject: ${yamlString(DEPARTMENT_TASK.subject)}`, `    body: ${yamlString(DEPARTMENT_TASK.body)}`]),
    'variants:',
    '  - name: baseline',
    '',
  ].join('\n');
}

/** What `lemming import-network` is asked to make. */
export interface ImportNetworkOptions {
  /** The department labels file (`NODE DEPARTMENT` a line); without it everyone is one department. */
  labels?: string;
  chart: ChartEdges;
  /** Import a random piece of this many people (network-piece.ts), drawn with `seed` (default 1). */
  people?: number;
  seed?: number;
  /** The org template whose org/org.yaml (settings and model registry) and agent templates the org gets. */
  template: string;
  model: string;
  credits: number;
  name?: string;
  /** Write nothing: say what would be made and written. */
  dryRun?: boolean;
  /** `departments`: a mailing list a department (department-lists.ts); default none. */
  lists?: NetworkLists;
}

/** What `lemming import-network` made. */
export interface ImportNetworkReport {
  root: string;
  edgesFile: string;
  labelsFile?: string;
  name: string;
  chart: ChartEdges;
  /** With `people`: the piece imported, of how many, drawn with which seed. */
  piece?: { people: number; of: number; seed: number };
  /** Agents besides the human: one per person. */
  agents: number;
  departments: number;
  leads: number;
  /** Directed edges between two people in the data, self-loops left out; lines that repeated an edge. */
  edges: number;
  selfLoops: number;
  repeated: number;
  /** Directed edges the chart permits between agents, and how many of those the data has no edge for (reporting lines, or a department's). */
  chartEdges: number;
  addedEdges: number;
  /** Mailing lists written under org/lists/ (`--lists departments`: one a department of two or more). */
  lists: number;
  /** The first lead: where a first message can go. */
  first: string;
  /** org.yaml's `engine.max_messages_per_turn`: raised to the largest reporting line, so a lead can write to all its members in a turn. */
  messageCap: number;
  /** What is (or, with `dryRun`, would be) written, measured before anything is. */
  plan: WritePlan;
  written: boolean;
}

/** An org name from a file name: `email-Eu-core.txt` is `email-eu-core`. */
function nameFromFile(file: string): string {
  const name = basename(file).replace(/\.[^.]*$/, '').toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z]+/, '');
  return AGENT_NAME_PATTERN.test(name) ? name : 'network';
}

/**
 * `lemming import-network EDGES --root DIR [--labels DEPARTMENTS]`: an org made from a real
 * communication network (src/reference/network-org.ts says how), written as `lemming populate`
 * writes one: resumes with a `persona:`, the chart, the template's org.yaml, then loaded to check
 * it, whole or not at all (writePopulation). The files are read and checked whole first, an edge
 * list past the networks' bounds (network-limits.ts) or a chart past the loader's limit refused before anything is built
 * of them; a folder that holds an org is refused.
 */
export function importNetwork(edgesFile: string, root: string, options: ImportNetworkOptions): ImportNetworkReport {
  const whole = readEdgeList(edgesFile);
  const labels = options.labels === undefined ? undefined : readDepartmentLabels(options.labels);
  const everyone = labels === undefined ? whole.nodes : nodesWithLabels(whole, labels);
  const seed = options.seed ?? 1;
  const { list, people } = options.people === undefined ? { list: whole, people: everyone } : networkPiece(whole, everyone, options.people, seed);
  if (people.length > MAX_SIZE) throw new LemmingError('network-too-large', `${edgesFile}: names ${people.length} people; an org is made of at most ${MAX_SIZE} (as a population is): import a part of the network`, { exitCode: EXIT.usage });
  requireOrgFolder(root, 'import-network');
  if (holdsOrg(root)) throw new LemmingError('org-exists', `${root} holds an org already (org/org.yaml); import-network makes a new org: pass --root with a new or empty folder`, { exitCode: EXIT.usage });
  const templateFiles = readTemplateFiles(options.template);
  const templateOrgYaml = templateFiles.get('org/org.yaml');
  if (templateOrgYaml === undefined) throw new LemmingError('template-missing', `${options.template}: has no org/org.yaml to take the settings and models from`, { exitCode: EXIT.usage });
  const orgYaml = populationOrgYaml(templateOrgYaml);

  const name = options.name ?? nameFromFile(edgesFile);
  const made = networkOrg(list, people, labels?.departments, { name, chart: options.chart, model: options.model, credits: options.credits });
  const agentTemplates = new Map([...templateFiles].filter(([file]) => file.startsWith(`${AGENT_TEMPLATES_FOLDER}/`)));
  // Written with the org, in the same staged folder: whole or not at all. The writer raises the cap on messages a turn
  // to the largest reporting line (population/message-cap.ts): a post to a list is one message.
  const listFiles = options.lists === 'departments' ? addDepartmentLists(made) : new Map<string, string>();
  for (const [file, text] of listFiles) agentTemplates.set(file, text);
  const source = `Written by \`lemming import-network\` from ${basename(edgesFile)}${options.labels === undefined ? '' : ` and ${basename(options.labels)}`} (chart: ${options.chart})`;
  agentTemplates.set(NETWORK_EXPERIMENT_FILE, experimentText(name, made.arrangement.top, edgesFile, options.labels));
  const population = { spec: made.spec, arrangement: made.arrangement, summary: [], resumes: new ResumeWriter(made.spec) };
  const plan = planPopulation(population, orgYaml, agentTemplates, source);
  if (!options.dryRun) writePopulation(root, population, orgYaml, agentTemplates, { chartHeader: source, command: 'import-network', planned: plan });
  return {
    root,
    edgesFile,
    ...(options.labels === undefined ? {} : { labelsFile: options.labels }),
    name,
    chart: options.chart,
    ...(options.people === undefined ? {} : { piece: { people: people.length, of: everyone.length, seed } }),
    agents: made.arrangement.positions.length,
    departments: made.departments,
    leads: made.arrangement.top.length,
    edges: made.edges,
    selfLoops: made.selfLoops,
    repeated: list.repeated,
    chartEdges: made.chartEdges,
    addedEdges: made.addedEdges,
    lists: listFiles.size,
    first: made.arrangement.top[0] ?? '',
    messageCap: plan.messageCap.cap,
    plan,
    written: !options.dryRun,
  };
}
