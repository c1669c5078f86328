import { isListName } from './lists/mailing-list.js';
import type { Problem } from '../errors.js';
import { isValidAgentName, nameProblem, nameRecord } from './names.js';
import { didYouMean } from './suggest-name.js';
import type { Agent, Audience, Org } from './org.js';
import type { ChartFile, ParsedResume } from './parse-files.js';
import { schemaValidator } from '../lazy-modules.js';
import { budgetProblems } from './budget-schema.js';
import { checkedChartOf } from './plain-checks.js';
import { isBuiltinTool, MCP_GRANT_PATTERN, type CommandToolConfig, type ModelEntry, type OrgFile } from './schema.js';
import { embeddingModelProblem } from './embedding-model.js';
import { assembleAgent, undeclaredTool, type AgentContext } from './assemble-agent.js';

/** The org's files, each already parsed on its own, for `assembleOrg` to check against each other. */
export interface OrgParts {
  root: string;
  orgFile: OrgFile;
  chart: ChartFile;
  /** The line in org/org.yaml of a dotted path, for error messages. */
  orgLineOf?: (path: ReadonlyArray<string | number>) => number | undefined;
  /** The line in org/chart.yaml of a dotted path, for error messages. */
  chartLineOf: (path: ReadonlyArray<string | number>) => number | undefined;
  /** Resumes by agent name (folder name), already parsed. */
  resumes: ReadonlyMap<string, ParsedResume>;
  /** Agents whose resume exists but has errors of its own: they exist, for the chart's checks. */
  brokenResumes?: ReadonlySet<string>;
  /** False when org.yaml is a stand-in for a broken one: its problems are reported already, so resumes' models are not checked. */
  checkModels?: boolean;
  /** False when the chart is a stand-in for a broken one: no agent is reported as missing from it. */
  chartUsable?: boolean;
}

const CHART = 'org/chart.yaml';
const CHART_LISTS = ['send_to', 'read_from'] as const;
/** How many of the chart's names that name no agent get the name likely meant: each costs a scan of the agents' names. */
export const SUGGESTED_NAMES = 5;

/** Cross-check the org's files against each other and build the org. Pure. */
export function assembleOrg(parts: OrgParts): { org?: Org; problems: Problem[] } {
  const { orgFile, resumes } = parts;
  const exists = (name: string): boolean => resumes.has(name) || (parts.brokenResumes?.has(name) ?? false);
  let commandChecks = orgNeedsCommandChecks(orgFile);
  for (const resume of resumes.values()) {
    if (commandChecks) break;
    commandChecks = namesAPlainTool(resume);
  }
  const assembly = new OrgAssembly(parts, exists, commandChecks);
  for (const [name, resume] of inNameOrder(resumes)) assembly.add(name, resume);
  return assembly.finish();
}

/** The org's files but its resumes: what the checks across files are made against before any agent is added. */
export type OrgFrame = Omit<OrgParts, 'resumes' | 'brokenResumes'>;

/**
 * The one assembly of an org (assembleOrg), in the order its problems are said: the chart checked
 * against which agents exist and org.yaml's own checks when it is made, then each agent added in name
 * order (assembleAgent), then the checks that need every agent (outside seats, the budget) at
 * `finish`. Which agents exist and whether command tools are checked are given, so a load that
 * reads 100,000 resumes can assemble each as it is parsed, on the listing's word that every folder
 * has a valid resume (check-candidate.ts, orgOfFiles), and take its result only when that held.
 * Pure.
 */
export class OrgAssembly {
  readonly problems: Problem[] = [];
  /** A resume added names a tool that is neither a built-in nor an MCP grant, which the command checks (off) would have judged: the result is not that of assembleOrg. */
  missedCommandChecks = false;
  private readonly agents = new Map<string, Agent>();
  private readonly missing = new Set<string>();
  /** The chart's record of agents, made when first asked (chartAgents). */
  private chartRecord?: ChartFile['agents'];
  /** With the names agents will be added in: the chart's entry of each, by its place there, and how many were added. */
  private readonly order?: { names: readonly string[]; entries: Array<ChartFile['agents'][string] | undefined>; added: number };
  private readonly context: AgentContext;
  private readonly models: Readonly<Record<string, ModelEntry>>;
  private readonly commandTools: Readonly<Record<string, CommandToolConfig>>;

  /**
   * `agents`: whether an agent exists, or the names the agents will be added in (sorted), which exist: then each
   * chart entry is put in its agent's place as the chart is checked, and no agent's entry is looked up among all
   * the chart's names again (at 100,000, a look-up with a name the chart did not make cost 1 to 2 µs).
   */
  constructor(
    private readonly parts: OrgFrame,
    agents: ((name: string) => boolean) | readonly string[],
    private readonly commandChecks: boolean,
  ) {
    // The agents' places by name, made only when a name is looked up: one the walk of the chart does not place (placesOf), one a chart entry names.
    let places: Map<string, number> | undefined;
    const placeOf = (name: string): number | undefined => {
      if (!places) {
        places = new Map();
        for (let at = 0; at < agents.length; at += 1) places.set((agents as readonly string[])[at] as string, at);
      }
      return places.get(name);
    };
    if (typeof agents !== 'function') this.order = { names: agents, entries: new Array(agents.length), added: 0 };
    const exists = typeof agents === 'function' ? agents : (name: string): boolean => placeOf(name) !== undefined;
    const problems = this.problems;
    const { orgFile } = parts;
    // The names and entries as the plain chart's check found them (no record of the chart's names made), or the record's own.
    const checkedChart = checkedChartOf(parts.chart);
    const models = nameRecord(orgFile.models);
    const mcpServers = nameRecord(orgFile.mcp_servers);
    const commandTools = nameRecord(orgFile.command_tools);
    this.models = models;
    this.commandTools = commandTools;
    const chartProblem = (path: Array<string | number>, message: string, severity: Problem['severity'] = 'error'): void => {
      const line = parts.chartLineOf(path);
      problems.push({ file: CHART, field: path.join('.'), ...(line === undefined ? {} : { line }), message, severity });
    };

    // A name the chart gives that has no agent (a folder deleted, a typo) is ignored with a warning until the
    // chart is edited: one stale line must not stop the rest of the org.
    const ignoredUntilEdited = 'ignored until you edit the chart';
    // A mailing list (org/lists/<name>.yaml) is a name of the chart too: asked only of a name no agent has, a stat once a name.
    const lists = new Map<string, boolean>();
    const isList = (other: string): boolean => lists.get(other) ?? (lists.set(other, isListName(parts.root, other)), lists.get(other) === true);
    const known = (other: string): boolean => other === '*' || (isValidAgentName(other) && (exists(other) || isList(other)));
    const missing = this.missing;
    const names = checkedChart?.names ?? Object.keys(this.chartAgents());
    // The agent a name the chart gives was likely meant as (`coder_1` → `coder_01`): a scan of the chart's agents,
    // so only the first SUGGESTED_NAMES such names get one, and a chart of 100,000 stale names costs five scans, not 100,000.
    let suggested = 0;
    let agentNames: readonly string[] | undefined;
    const meant = (other: string): string => {
      if (suggested === SUGGESTED_NAMES) return '';
      suggested += 1;
      // The chart's names that are agents, in the chart's order, whichever way the agents were given: one answer for both.
      agentNames ??= names.filter((each, at) => (placed ? (placed[at] as number) >= 0 : exists(each)));
      return didYouMean(other, agentNames);
    };
    // Where each of the chart's names is among the agents (-1: no agent has it), when the agents are given as their sorted names.
    const placed = typeof agents === 'function' ? undefined : placesOf(names, agents, placeOf);
    // Each entry looked up once, for both loops: at 100,000 names, a look-up in the record is much of each loop.
    const entries: Array<ChartFile['agents'][string] | undefined> = new Array(names.length);
    for (let at = 0; at < names.length; at += 1) {
      const name = names[at] as string;
      entries[at] = checkedChart ? checkedChart.entries[at] : this.chartAgents()[name];
      const invalid = checkedChart ? undefined : nameProblem('agent', name);
      const place = placed ? (placed[at] as number) : -1;
      if (place >= 0) (this.order as { entries: unknown[] }).entries[place] = entries[at];
      if (invalid !== undefined) chartProblem(['agents', name], invalid);
      else if (placed ? place < 0 : !exists(name)) {
        chartProblem(['agents', name], `names an agent that does not exist (there is no agents/${name}/resume.md)${meant(name)}; ${ignoredUntilEdited}`, 'warning');
      }
    }
    // Plain loops, no closure or entry array per agent: at 10,000 agents this runs in code a fresh
    // process (`lemming status`) has not optimised yet.
    // Each agent's manager, where the chart names one that exists, in the chart's order: the walk for circles below.
    const managers = new Map<string, string>();
    for (let at = 0; at < names.length; at += 1) {
      const name = names[at] as string;
      if (placed ? (placed[at] as number) < 0 : !exists(name)) continue;
      const entry = entries[at];
      if (!entry) continue;
      if (entry.reports_to !== null && !(isValidAgentName(entry.reports_to) && exists(entry.reports_to))) {
        missing.add(entry.reports_to);
        chartProblem(['agents', name, 'reports_to'], `names ${JSON.stringify(entry.reports_to)}, which is not an agent of this org${meant(entry.reports_to)}; ${ignoredUntilEdited}`, 'warning');
      } else if (entry.reports_to !== null) managers.set(name, entry.reports_to);
      for (const field of CHART_LISTS) {
        const others = entry[field];
        for (let index = 0; index < others.length; index += 1) {
          const other = others[index] ?? '';
          if (known(other)) continue;
          chartProblem(
            ['agents', name, field, index],
            `names ${JSON.stringify(other)}, which is not an agent of this org${meant(other)}; ${ignoredUntilEdited} (use an agent's folder name or "*")`,
            'warning',
          );
        }
      }
    }
    for (const circle of reportingCircles(managers)) {
      const first = circle[0] as string;
      chartProblem(
        ['agents', first, 'reports_to'],
        circle.length === 1
          ? `${first} reports to itself: nobody is above it; name its manager, for example \`reports_to: manager\`, or null for the top of the org`
          : `${circleText(circle)}: a circle of managers with nobody at its top; name a manager outside it, or null for the top of the org`,
        'warning',
      );
    }

    const registry = Object.keys(models);
    // The command tools' own checks (a JSON Schema each) load a validator: only orgs that declare some pay for it.
    const checks = commandChecks ? { undeclaredTool, commandToolProblems } : undefined;
    if (checks) problems.push(...checks.commandToolProblems(commandTools, (path) => parts.orgLineOf?.(path)));
    for (let index = 0; index < orgFile.needs_approval.length; index += 1) {
      const message = checks?.undeclaredTool(orgFile.needs_approval[index] ?? '', commandTools);
      if (message === undefined) continue;
      const line = parts.orgLineOf?.(['needs_approval', index]);
      problems.push({ file: 'org/org.yaml', field: `needs_approval.${index}`, ...(line === undefined ? {} : { line }), message, severity: 'error' });
    }
    const orgEmbeddings = orgFile.memory.embeddings?.model;
    const orgEmbeddingProblem = orgEmbeddings === undefined || parts.checkModels === false ? undefined : embeddingModelProblem(orgEmbeddings, models);
    const embeddingLine = orgEmbeddingProblem ? parts.orgLineOf?.(['memory', 'embeddings', 'model']) : undefined;
    if (orgEmbeddingProblem) problems.push({ file: 'org/org.yaml', field: 'memory.embeddings.model', ...(embeddingLine === undefined ? {} : { line: embeddingLine }), message: orgEmbeddingProblem, severity: 'error' });
    this.context = { registry, models: orgFile.models, mcpServers, orgMemory: orgFile.memory, checkModels: parts.checkModels !== false, ...(checks ? { commandTools } : {}) };
  }

  /**
   * The chart's agents by name. A parsed file kept in the cache comes back from JSON with a prototype: its
   * names are copied into a record without one, so `constructor` finds its own entry or none. One with no
   * prototype already (the chart as its schema gives it) is taken as it is: 100,000 names are not copied again.
   */
  private chartAgents(): ChartFile['agents'] {
    if (!this.chartRecord) {
      const agents = this.parts.chart.agents;
      this.chartRecord = Object.getPrototypeOf(agents) === null ? agents : nameRecord(agents);
    }
    return this.chartRecord;
  }

  /** The agent `name` made of its resume and its place in the chart, after every agent before it in name order. */
  add(name: string, resume: ParsedResume): void {
    if (!this.commandChecks && namesAPlainTool(resume)) this.missedCommandChecks = true;
    const order = this.order;
    const entry = order && order.names[order.added] === name ? order.entries[order.added++] : this.chartAgents()[name];
    const placement = { reportsTo: entry?.reports_to && !this.missing.has(entry.reports_to) ? entry.reports_to : null, sendTo: audience(entry?.send_to ?? []), readFrom: audience(entry?.read_from ?? []) };
    this.agents.set(name, assembleAgent(name, resume, placement, this.context, this.problems, !entry && this.parts.chartUsable !== false));
  }

  /** The checks that need every agent, then the org, absent when there is an error. */
  finish(): { org?: Org; problems: Problem[] } {
    const { problems, agents } = this;
    const { orgFile } = this.parts;
    orgFile.outside_seats.forEach((seat, index) => {
      const agent = agents.get(seat);
      if (agent?.isHuman) return;
      const why = agent ? `${seat} is called by the engine (model ${agent.models.join(', ')}); a seat an outside program takes is a person's: give it \`model: human\`` : `names no agent of this org (there is no agents/${seat}/resume.md)`;
      const line = this.parts.orgLineOf?.(['outside_seats', index]);
      problems.push({ file: 'org/org.yaml', field: `outside_seats.${index}`, ...(line === undefined ? {} : { line }), message: `${why}; for example \`outside_seats: [reviewer]\` with agents/reviewer/resume.md saying \`model: human\``, severity: 'error' });
    });
    if (orgFile.budget) problems.push(...budgetProblems(orgFile.budget, agents, (path) => this.parts.orgLineOf?.(path)));
    if (problems.some((problem) => problem.severity === 'error')) return { problems };
    return {
      problems,
      org: {
        root: this.parts.root,
        name: orgFile.name,
        settings: orgFile.engine,
        models: this.models,
        agents,
        mcpServers: this.context.mcpServers,
        needsApproval: orgFile.needs_approval,
        commandTools: this.commandTools,
        web: orgFile.web,
        ...(orgFile.notify.length > 0 ? { notify: orgFile.notify } : {}),
        ...(orgFile.outside_seats.length > 0 ? { outsideSeats: orgFile.outside_seats } : {}),
        ...(orgFile.history.keep ? { history: orgFile.history } : {}),
        ...(orgFile.telemetry ? { telemetry: orgFile.telemetry } : {}),
        ...(orgFile.budget ? { budget: orgFile.budget } : {}),
      },
    };
  }
}

/** How many times the chart's names may go back in name order before the rest are looked up instead of walked to (placesOf). */
const MOST_WALKS_BACK = 64;

/**
 * Where each of the chart's `names` is among the agents' `sorted` names (-1: none has it), by walking
 * the sorted names forward while the chart's ascend, as they do in runs (the bench's chart of 100,000
 * agents lists agent_9999 before agent_10000, which sorts before it: two runs); where a name comes
 * before the last, the walk starts again where it falls (a binary search). Past MOST_WALKS_BACK such
 * names, or sorted names that are not in order, each name is looked up by `placeOf`. At 100,000
 * agents a map of every name, made and then looked up, was some 5% of a cold `status`.
 */
/**
 * The circles of `reports_to` (an agent that reports to itself is a circle of one), each from the
 * agent the chart names first that the walk enters it by. Each agent is walked once. Pure.
 */
export function reportingCircles(managers: ReadonlyMap<string, string>): string[][] {
  const circles: string[][] = [];
  const walked = new Set<string>();
  for (const start of managers.keys()) {
    if (walked.has(start)) continue;
    const path: string[] = [];
    const onPath = new Map<string, number>();
    let at: string | undefined = start;
    while (at !== undefined && !walked.has(at) && !onPath.has(at)) {
      onPath.set(at, path.length);
      path.push(at);
      at = managers.get(at);
    }
    const entered = at === undefined ? undefined : onPath.get(at);
    if (entered !== undefined) circles.push(path.slice(entered));
    for (const each of path) walked.add(each);
  }
  return circles;
}

/** How many of a circle's agents its warning names: a circle of 100,000 is still a line. */
const CIRCLE_NAMED = 6;

/** `a reports to b, b to c, and c to a`, the first CIRCLE_NAMED links and how many more. */
function circleText(circle: readonly string[]): string {
  const links = circle.map((name, at) => [name, circle[(at + 1) % circle.length] as string] as const);
  const shown = links.slice(0, CIRCLE_NAMED).map(([name, manager], at) => (at === 0 ? `${name} reports to ${manager}` : `${name} to ${manager}`));
  const more = links.length - shown.length;
  if (more > 0) return `${shown.join(', ')}, and ${more} more back to ${circle[0]}`;
  const last = shown.pop() as string;
  return `${shown.join(', ')}, and ${last}`;
}

function placesOf(names: readonly string[], sorted: readonly string[], placeOf: (name: string) => number | undefined): Int32Array {
  const places = new Int32Array(names.length);
  let walking = true;
  for (let at = 1; walking && at < sorted.length; at += 1) walking = (sorted[at - 1] as string) < (sorted[at] as string);
  let walksBack = 0;
  let next = 0;
  for (let at = 0; at < names.length; at += 1) {
    const name = names[at] as string;
    if (walking && at > 0 && !((names[at - 1] as string) < name)) {
      walksBack += 1;
      walking = walksBack <= MOST_WALKS_BACK;
      next = firstNotBefore(sorted, name);
    }
    if (!walking) {
      places[at] = placeOf(name) ?? -1;
      continue;
    }
    while (next < sorted.length && (sorted[next] as string) < name) next += 1;
    places[at] = sorted[next] === name ? next : -1;
  }
  return places;
}

/** The first index of `sorted` (in order) whose name is not before `name`. */
function firstNotBefore(sorted: readonly string[], name: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as string) < name) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** org.yaml declares command tools, or asks approval for a tool that is neither a built-in nor an MCP grant: the command checks are made whatever the resumes say. */
export function orgNeedsCommandChecks(orgFile: Pick<OrgFile, 'command_tools' | 'needs_approval'>): boolean {
  return Object.keys(orgFile.command_tools).length > 0 || orgFile.needs_approval.some(isPlainTool);
}

/** A resume names a tool that is neither a built-in nor an MCP grant (a command tool's, or a mistake). */
function namesAPlainTool(resume: ParsedResume): boolean {
  return resume.frontMatter.tools.some(isPlainTool);
}

const isPlainTool = (name: string): boolean => !isBuiltinTool(name) && !MCP_GRANT_PATTERN.test(name);

/** The resumes in name order: as they are when they are so already (a load reads them so), with no list of names sorted and looked up again. */
function inNameOrder(resumes: ReadonlyMap<string, ParsedResume>): Iterable<[string, ParsedResume]> {
  let last: string | undefined;
  for (const name of resumes.keys()) {
    if (last !== undefined && !(last < name)) return [...resumes.keys()].sort().map((sorted) => [sorted, resumes.get(sorted) as ParsedResume]);
    last = name;
  }
  return resumes;
}

function audience(names: string[]): Audience {
  return names.includes('*') ? '*' : new Set(names);
}

/** What is wrong with org.yaml's command tools: a built-in's name taken, or parameters that are no JSON Schema of an object. */
export function commandToolProblems(tools: Readonly<Record<string, CommandToolConfig>>, lineOf: (path: Array<string | number>) => number | undefined): Problem[] {
  const problems: Problem[] = [];
  const problem = (path: Array<string | number>, message: string): void => {
    const line = lineOf(path);
    problems.push({ file: 'org/org.yaml', field: path.join('.'), ...(line === undefined ? {} : { line }), message, severity: 'error' });
  };
  for (const [name, tool] of Object.entries(tools)) {
    if (isBuiltinTool(name)) problem(['command_tools', name], `is the name of a built-in tool; give the command tool another name, like my_${name}`);
    if (tool.parameters.type !== 'object') {
      problem(['command_tools', name, 'parameters'], 'must be a JSON Schema of an object, like `parameters: { type: object, properties: { code: { type: string } }, required: [code] }`');
      continue;
    }
    try {
      schemaValidator().compile(tool.parameters);
    } catch (error) {
      problem(['command_tools', name, 'parameters'], `is not a valid JSON Schema: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return problems;
}
