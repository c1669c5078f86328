import type { Problem } from '../errors.js';
import { embeddingModelName, embeddingModelProblem } from './embedding-model.js';
import { HUMAN, nameRecord } from './names.js';
import { HUMAN_MODEL, type Agent, type AgentMemory } from './org.js';
import type { ParsedResume } from './parse-files.js';
import { isBuiltinTool, MCP_GRANT_PATTERN, TOOL_NAMES, type McpServerConfig, type ModelEntry, type OrgMemorySettings, type ResumeMemorySetting } from './schema.js';

/**
 * One agent made of its resume, checked against what org.yaml declares: the one rule of it, for the
 * whole org's assembly (assemble-org.ts) and for a resume edited by hand since the org was kept
 * (kept-org-with-edits.ts), so an agent reads the same whichever made it.
 */

/** What org.yaml declares that an agent is checked against and made with. */
export interface AgentContext {
  /** The model registry's keys, in org.yaml's order. */
  registry: readonly string[];
  models: Readonly<Record<string, ModelEntry>>;
  mcpServers: Readonly<Record<string, McpServerConfig>>;
  /** org.yaml `memory:`, which a resume's own `memory:` is read over. */
  orgMemory: OrgMemorySettings | undefined;
  /** False when org.yaml is a stand-in for a broken one: its problems are said already, so models are not checked. */
  checkModels: boolean;
  /** org.yaml's command tools, when a tool that is neither a built-in nor an MCP grant must name one (assemble-org.ts, needsCommandChecks); absent: not checked. */
  commandTools?: Readonly<Record<string, unknown>>;
}

/** Where the chart puts an agent, as the whole chart's checks settled it. */
export type Placement = Pick<Agent, 'reportsTo' | 'sendTo' | 'readFrom'>;

const CHART = 'org/chart.yaml';

/**
 * The agent `name` made of its parsed resume and its place in the chart, its problems added to
 * `problems` (errors on its resume; with `missingFromChart`, the chart's warning that it has no
 * entry). Pure.
 */
export function assembleAgent(name: string, resume: ParsedResume, placement: Placement, context: AgentContext, problems: Problem[], missingFromChart: boolean): Agent {
  const file = `agents/${name}/resume.md`;
  const resumeProblem = (field: string, message: string): void => {
    const line = resume.lines[field];
    problems.push({ file, field, ...(line === undefined ? {} : { line }), message, severity: 'error' });
  };
  const front = resume.frontMatter;
  const models = typeof front.model === 'string' ? [front.model] : front.model;
  const isHuman = models.includes(HUMAN_MODEL);
  if (isHuman && models.length > 1) resumeProblem('model', 'the person is `model: human`, with no other model');
  if (name === HUMAN && !isHuman) resumeProblem('model', 'the human agent must have `model: human`');
  if (context.checkModels) {
    for (const message of unknownModels(models, context.registry)) resumeProblem('model', message);
  }
  if (!isHuman && front.credits === undefined) {
    resumeProblem('credits', 'is required: a budget of 0 or more credits, for example `credits: 1.5`');
  }
  for (let index = 0; index < front.tools.length; index += 1) {
    const tool = front.tools[index] ?? '';
    const message = undeclaredServer(tool, context.mcpServers) ?? (context.commandTools && undeclaredTool(tool, context.commandTools));
    if (message === undefined) continue;
    const line = resume.lines.tools;
    problems.push({ file, field: `tools.${index}`, ...(line === undefined ? {} : { line }), message, severity: 'error' });
  }
  if (missingFromChart) {
    problems.push({
      file: CHART,
      field: `agents.${name}`,
      message: `is missing: agents/${name}/ has a resume but no place in the chart, so it can neither send nor receive`,
      severity: 'warning',
    });
  }
  const memory = isHuman ? undefined : agentMemory(context.orgMemory, front.memory, context.models);
  const ownEmbeddings = typeof front.memory === 'object' && front.memory.embeddings !== undefined && front.memory.embeddings !== 'off' ? front.memory.embeddings.model : undefined;
  const ownEmbeddingProblem = ownEmbeddings === undefined || !context.checkModels ? undefined : embeddingModelProblem(ownEmbeddings, context.models);
  if (ownEmbeddingProblem) resumeProblem('memory.embeddings.model', ownEmbeddingProblem);
  // An agent with none of the optional fields (most of a big org) is one object literal, its fields in the order below:
  // adding five after the literal changed the object's shape five times an agent (at 100,000 agents, a cold `status`).
  if (front.role === undefined && !front.sandbox && front.web_allow.length === 0 && !front.persona && !memory) {
    return {
      name,
      title: front.title,
      models,
      isHuman,
      credits: front.credits ?? 0,
      schedule: front.schedule,
      tools: front.tools,
      sharedWorkspace: front.shared_workspace,
      instructions: resume.instructions,
      reportsTo: placement.reportsTo,
      sendTo: placement.sendTo,
      readFrom: placement.readFrom,
      resumeFile: file,
    };
  }
  // Field by field in the order every agent has them (an object literal of conditional spreads was a
  // tenth of assembling 100,000 agents).
  const agent: Partial<Agent> = { name, title: front.title, models, isHuman, credits: front.credits ?? 0, schedule: front.schedule, tools: front.tools, sharedWorkspace: front.shared_workspace };
  if (front.role !== undefined) agent.role = front.role;
  if (front.sandbox) agent.sandbox = front.sandbox;
  if (front.web_allow.length > 0) agent.webAllow = front.web_allow;
  if (front.persona) agent.persona = nameRecord(front.persona);
  if (memory) agent.memory = memory;
  agent.instructions = resume.instructions;
  agent.reportsTo = placement.reportsTo;
  agent.sendTo = placement.sendTo;
  agent.readFrom = placement.readFrom;
  agent.resumeFile = file;
  return agent as Agent;
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
