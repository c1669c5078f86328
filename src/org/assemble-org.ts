import { isListName } from './lists/mailing-list.js';
import type { Problem } from '../errors.js';
import { HUMAN, isValidAgentName, nameProblem, nameRecord } from './names.js';
import { HUMAN_MODEL, type Agent, type AgentMemory, type Audience, type Org } from './org.js';
import type { ChartFile, ParsedResume } from './parse-files.js';
import { schemaValidator } from '../lazy-modules.js';
import { budgetProblems } from './budget-schema.js';
import { isBuiltinTool, MCP_GRANT_PATTERN, TOOL_NAMES, type CommandToolConfig, type ModelEntry, type OrgFile, type OrgMemorySettings, type ResumeMemorySetting } from './schema.js';
import { embeddingModelName, embeddingModelProblem } from './embedding-model.js';

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

/** What is wrong with the models a resume names, given the registry's keys: one message per unknown name. Pure. */
export function unknownModels(models: readonly string[], registry: readonly string[]): readonly string[] {
  // A loop, and no list made when every model is known: this runs once per agent (100,000 at a first load).
  let messages: string[] | undefined;
  for (const model of models) {
    if (model === HUMAN_MODEL || registry.includes(model)) continue;
    (messages ??= []).push(`names the model ${JSON.stringify(model)}, which is not in org/org.yaml models (known: ${registry.join(', ') || 'none'})`);
  }
  return messages ?? NONE;
}

const NONE: readonly string[] = Object.freeze([]);

/** Why an MCP grant (`server/tool`, `server/*`) names a server org.yaml does not declare; undefined for one it does, or a built-in. Pure. */
export function undeclaredServer(grant: string, servers: Readonly<Record<string, unknown>>): string | undefined {
  const slash = grant.indexOf('/');
  if (slash < 0) return undefined;
  const server = grant.slice(0, slash);
  if (Object.hasOwn(servers, server)) return undefined;
  const known = Object.keys(servers).join(', ') || 'none declared';
  return `grants ${JSON.stringify(grant)}, but org/org.yaml mcp_servers has no server ${JSON.stringify(server)} (known: ${known})`;
}

const CHART = 'org/chart.yaml';
const CHART_LISTS = ['send_to', 'read_from'] as const;

/** Cross-check the org's files against each other and build the org. Pure. */
export function assembleOrg(parts: OrgParts): { org?: Org; problems: Problem[] } {
  const problems: Problem[] = [];
  const { orgFile, resumes } = parts;
  // A parsed file kept in the cache comes back from JSON with a prototype: its names are copied into
  // records without one, so `constructor` finds its own entry or none.
  // One with no prototype already (the chart as its schema gives it) is taken as it is: 100,000 names are not copied again.
  const chart = { agents: Object.getPrototypeOf(parts.chart.agents) === null ? parts.chart.agents : nameRecord(parts.chart.agents) };
  const models = nameRecord(orgFile.models);
  const mcpServers = nameRecord(orgFile.mcp_servers);
  const commandTools = nameRecord(orgFile.command_tools);
  const exists = (name: string): boolean => resumes.has(name) || (parts.brokenResumes?.has(name) ?? false);
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
  const missing = new Set<string>();
  const names = Object.keys(chart.agents);
  for (const name of names) {
    const invalid = nameProblem('agent', name);
    if (invalid !== undefined) chartProblem(['agents', name], invalid);
    else if (!exists(name)) {
      chartProblem(['agents', name], `names an agent that does not exist (there is no agents/${name}/resume.md); ${ignoredUntilEdited}`, 'warning');
    }
  }
  // Plain loops, no closure or entry array per agent: at 10,000 agents this runs in code a fresh
  // process (`lemming status`) has not optimised yet.
  for (const name of names) {
    if (!exists(name)) continue;
    const entry = chart.agents[name];
    if (!entry) continue;
    if (entry.reports_to !== null && !(isValidAgentName(entry.reports_to) && exists(entry.reports_to))) {
      missing.add(entry.reports_to);
      chartProblem(['agents', name, 'reports_to'], `names ${JSON.stringify(entry.reports_to)}, which is not an agent of this org; ${ignoredUntilEdited}`, 'warning');
    }
    for (const field of CHART_LISTS) {
      const others = entry[field];
      for (let index = 0; index < others.length; index += 1) {
        const other = others[index] ?? '';
        if (known(other)) continue;
        chartProblem(
          ['agents', name, field, index],
          `names ${JSON.stringify(other)}, which is not an agent of this org; ${ignoredUntilEdited} (use an agent's folder name or "*")`,
          'warning',
        );
      }
    }
  }

  const agents = new Map<string, Agent>();
  const registry = Object.keys(models);
  // The command tools' own checks (a JSON Schema each) load a validator: only orgs that declare some pay for it.
  const commandChecks = needsCommandChecks(commandTools, orgFile.needs_approval, resumes) ? { undeclaredTool, commandToolProblems } : undefined;
  if (commandChecks) problems.push(...commandChecks.commandToolProblems(commandTools, (path) => parts.orgLineOf?.(path)));
  for (let index = 0; index < orgFile.needs_approval.length; index += 1) {
    const message = commandChecks?.undeclaredTool(orgFile.needs_approval[index] ?? '', commandTools);
    if (message === undefined) continue;
    const line = parts.orgLineOf?.(['needs_approval', index]);
    problems.push({ file: 'org/org.yaml', field: `needs_approval.${index}`, ...(line === undefined ? {} : { line }), message, severity: 'error' });
  }
  const orgEmbeddings = orgFile.memory.embeddings?.model;
  const orgEmbeddingProblem = orgEmbeddings === undefined || parts.checkModels === false ? undefined : embeddingModelProblem(orgEmbeddings, models);
  const embeddingLine = orgEmbeddingProblem ? parts.orgLineOf?.(['memory', 'embeddings', 'model']) : undefined;
  if (orgEmbeddingProblem) problems.push({ file: 'org/org.yaml', field: 'memory.embeddings.model', ...(embeddingLine === undefined ? {} : { line: embeddingLine }), message: orgEmbeddingProblem, severity: 'error' });
  const resumeProblem = (resume: ParsedResume, file: string, field: string, message: string): void => {
    const line = resume.lines[field];
    problems.push({ file, field, ...(line === undefined ? {} : { line }), message, severity: 'error' });
  };
  for (const name of [...resumes.keys()].sort()) {
    const resume = resumes.get(name);
    if (!resume) continue;
    const file = `agents/${name}/resume.md`;
    const front = resume.frontMatter;
    const models = typeof front.model === 'string' ? [front.model] : front.model;
    const isHuman = models.includes(HUMAN_MODEL);
    if (isHuman && models.length > 1) resumeProblem(resume, file, 'model', 'the person is `model: human`, with no other model');
    if (name === HUMAN && !isHuman) resumeProblem(resume, file, 'model', 'the human agent must have `model: human`');
    if (parts.checkModels !== false) {
      for (const message of unknownModels(models, registry)) resumeProblem(resume, file, 'model', message);
    }
    if (!isHuman && front.credits === undefined) {
      resumeProblem(resume, file, 'credits', 'is required: a budget of 0 or more credits, for example `credits: 1.5`');
    }
    for (let index = 0; index < front.tools.length; index += 1) {
      const tool = front.tools[index] ?? '';
      const message = undeclaredServer(tool, mcpServers) ?? commandChecks?.undeclaredTool(tool, commandTools);
      if (message === undefined) continue;
      const line = resume.lines.tools;
      problems.push({ file, field: `tools.${index}`, ...(line === undefined ? {} : { line }), message, severity: 'error' });
    }
    const entry = chart.agents[name];
    if (!entry && parts.chartUsable !== false) {
      problems.push({
        file: CHART,
        field: `agents.${name}`,
        message: `is missing: agents/${name}/ has a resume but no place in the chart, so it can neither send nor receive`,
        severity: 'warning',
      });
    }
    const memory = isHuman ? undefined : agentMemory(orgFile.memory, front.memory, orgFile.models);
    const ownEmbeddings = typeof front.memory === 'object' && front.memory.embeddings !== undefined && front.memory.embeddings !== 'off' ? front.memory.embeddings.model : undefined;
    const ownEmbeddingProblem = ownEmbeddings === undefined || parts.checkModels === false ? undefined : embeddingModelProblem(ownEmbeddings, orgFile.models);
    if (ownEmbeddingProblem) resumeProblem(resume, file, 'memory.embeddings.model', ownEmbeddingProblem);
    // Field by field in the order every agent has them (an object literal of conditional spreads was a
    // tenth of assembling 100,000 agents).
    const agent: Partial<Agent> = { name, title: front.title, models, isHuman, credits: front.credits ?? 0, schedule: front.schedule, tools: front.tools, sharedWorkspace: front.shared_workspace };
    if (front.sandbox) agent.sandbox = front.sandbox;
    if (front.web_allow.length > 0) agent.webAllow = front.web_allow;
    if (front.persona) agent.persona = nameRecord(front.persona);
    if (memory) agent.memory = memory;
    agent.instructions = resume.instructions;
    agent.reportsTo = entry?.reports_to && !missing.has(entry.reports_to) ? entry.reports_to : null;
    agent.sendTo = audience(entry?.send_to ?? []);
    agent.readFrom = audience(entry?.read_from ?? []);
    agent.resumeFile = file;
    agents.set(name, agent as Agent);
  }
  orgFile.outside_seats.forEach((seat, index) => {
    const agent = agents.get(seat);
    if (agent?.isHuman) return;
    const why = agent ? `${seat} is called by the engine (model ${agent.models.join(', ')}); a seat an outside program takes is a person's: give it \`model: human\`` : `names no agent of this org (there is no agents/${seat}/resume.md)`;
    problems.push({ file: 'org/org.yaml', field: `outside_seats.${index}`, message: `${why}; for example \`outside_seats: [reviewer]\` with agents/reviewer/resume.md saying \`model: human\``, severity: 'error' });
  });
  if (orgFile.budget) problems.push(...budgetProblems(orgFile.budget, agents));
  if (problems.some((problem) => problem.severity === 'error')) return { problems };
  return {
    problems,
    org: {
      root: parts.root,
      name: orgFile.name,
      settings: orgFile.engine,
      models,
      agents,
      mcpServers,
      needsApproval: orgFile.needs_approval,
      commandTools,
      web: orgFile.web,
      ...(orgFile.notify.length > 0 ? { notify: orgFile.notify } : {}),
      ...(orgFile.outside_seats.length > 0 ? { outsideSeats: orgFile.outside_seats } : {}),
      ...(orgFile.history.keep ? { history: orgFile.history } : {}),
      ...(orgFile.telemetry ? { telemetry: orgFile.telemetry } : {}),
      ...(orgFile.budget ? { budget: orgFile.budget } : {}),
    },
  };
}

/**
 * An agent's memory settings: its resume's `memory:` over org.yaml's. `off` keeps none; `on` or settings of
 * its own keep one even where the org keeps none; no line follows the org. Undefined: no stream. Pure.
 */
export function agentMemory(org: OrgMemorySettings | undefined, own: ResumeMemorySetting | undefined, models: Readonly<Record<string, ModelEntry>> = {}): AgentMemory | undefined {
  if (own === 'off' || own === false) return undefined;
  if (own === undefined && !org?.keep) return undefined;
  const mine = typeof own === 'object' ? own : {};
  return {
    budgetTokens: mine.budget_tokens ?? org?.budget_tokens ?? 800,
    reflect: { every: mine.reflect?.every ?? org?.reflect.every ?? 20, importance: mine.reflect?.importance ?? org?.reflect.importance ?? 100, ...questionsOf(mine.reflect?.questions ?? org?.reflect.questions) },
    // Park et al.'s released weights when nothing says otherwise (memory/rank-memories.ts, DEFAULT_WEIGHTS).
    weights: {
      recency: mine.weights?.recency ?? org?.weights.recency ?? 0.5,
      relevance: mine.weights?.relevance ?? org?.weights.relevance ?? 3,
      importance: mine.weights?.importance ?? org?.weights.importance ?? 2,
    },
    ...(org?.importance === 'model' ? { importance: 'model' as const } : {}),
    ...(org?.max_memories !== undefined ? { maxMemories: org.max_memories } : {}),
    ...(org?.max_bytes !== undefined ? { maxBytes: org.max_bytes } : {}),
    ...embeddingsOf(mine.embeddings ?? org?.embeddings, models),
  };
}

/** Focal questions a reflection asks first (memory/focal-questions.ts): none said, or 0, leaves the field out. */
function questionsOf(questions: number | undefined): { questions?: number } {
  return questions === undefined || questions === 0 ? {} : { questions };
}

/** An agent's embedding model, its own (or `off`) over the org's: the key, and the name its vectors are kept under. */
function embeddingsOf(setting: { model: string } | 'off' | undefined, models: Readonly<Record<string, ModelEntry>>): Pick<AgentMemory, 'embeddings'> {
  if (setting === undefined || setting === 'off') return {};
  return { embeddings: { modelKey: setting.model, model: embeddingModelName(setting.model, models) } };
}

/** A plain name that is not a built-in's (a command tool's, or a mistake) anywhere a tool is named, or command tools to check. */
function needsCommandChecks(commandTools: Readonly<Record<string, CommandToolConfig>>, needsApproval: readonly string[], resumes: ReadonlyMap<string, ParsedResume>): boolean {
  const plain = (name: string): boolean => !isBuiltinTool(name) && !MCP_GRANT_PATTERN.test(name);
  if (Object.keys(commandTools).length > 0 || needsApproval.some(plain)) return true;
  for (const resume of resumes.values()) if (resume.frontMatter.tools.some(plain)) return true;
  return false;
}


function audience(names: string[]): Audience {
  return names.includes('*') ? '*' : new Set(names);
}

/**
 * Why a resume's tool names neither a built-in, an MCP grant nor a command tool org.yaml declares;
 * undefined when it names one of them. Pure.
 */
export function undeclaredTool(grant: string, commandTools: Readonly<Record<string, unknown>>): string | undefined {
  if (isBuiltinTool(grant) || MCP_GRANT_PATTERN.test(grant) || Object.hasOwn(commandTools, grant)) return undefined;
  const declared = Object.keys(commandTools);
  return (
    `names the tool ${JSON.stringify(grant)}, which is not a tool: it must be one of ${TOOL_NAMES.join(', ')}, ` +
    `a command tool of org/org.yaml command_tools (${declared.length > 0 ? declared.join(', ') : 'none declared'}), or an MCP grant like "files/*"`
  );
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
