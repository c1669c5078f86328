import type { OrgBudget } from './budget-schema.js';
import type { CommandToolConfig, EngineSettings, HistorySettings, McpServerConfig, ModelEntry, NotifyTarget, PersonaValue, SandboxLimitOverrides, WebSettings } from './schema.js';

/** Who an agent may send to or read from: everyone, or a set of names. */
export type Audience = '*' | ReadonlySet<string>;

/** One agent as the engine sees it: its resume merged with its place in the chart. */
export interface Agent {
  name: string;
  title: string;
  /** Its role in a structure (resume `role:`: head, lead or member as `lemming populate` writes it); absent when the resume names none. */
  role?: string;
  /** Registry keys in order of preference: the first answers, the rest are fallbacks. */
  models: string[];
  /** The person: model `human`, never called by the engine. */
  isHuman: boolean;
  /** Budget from the resume, before top-ups and charges. */
  credits: number;
  schedule: { every: number; offset: number };
  /** Built-in tool names and MCP grants (`server/*`, `server/tool`), as the resume lists them. */
  tools: string[];
  /** May it write to the org's shared `workspace/` (everyone may read it)? */
  sharedWorkspace: 'read' | 'write';
  /** Its own command limits, over org.yaml engine.sandbox's (resume `sandbox:`). */
  sandbox?: SandboxLimitOverrides;
  /** Hosts or URL prefixes it may fetch besides org.yaml web.allow (resume `web_allow:`). */
  webAllow?: string[];
  /** Who it is, by attribute (resume `persona:`, as `lemming populate` writes it), for grouping in experiments and surveys; absent when the resume has none. No prototype: a key is only ever its own. */
  persona?: Readonly<Record<string, PersonaValue>>;
  /** Its memory stream (src/memory/), from org.yaml `memory:` and its resume's; absent: it keeps none. */
  memory?: AgentMemory;
  /** The resume's markdown body. */
  instructions: string;
  reportsTo: string | null;
  sendTo: Audience;
  readFrom: Audience;
  /** The resume's path, relative to the org root. */
  resumeFile: string;
}

/** An agent's memory stream settings, resolved from org.yaml `memory:` and its resume's `memory:` (docs/memory.md). */
export interface AgentMemory {
  /** Memories shown per call, in estimated tokens. */
  budgetTokens: number;
  /** It reflects every `every` turns (0: never by turns), or once the importance since its last reflection reaches `importance` (0: never so). */
  reflect: { every: number; importance: number; /** Park et al.'s focal questions a reflection asks first (memory/focal-questions.ts); absent or 0: one call on the recent memories. */ questions?: number };
  /** How recency, relevance and importance weigh in a memory's score (memory/rank-memories.ts). */
  weights: { recency: number; relevance: number; importance: number };
  /** `model`: its memories' importance is asked of its first model after its answer (memory/model-importance.ts); absent: the rule's. */
  importance?: 'model';
  /** The most memories its stream keeps (memory/memory-ceiling.ts); absent: no ceiling. */
  maxMemories?: number;
  /** The most bytes its stream's files hold (memory/memory-ceiling.ts); absent: no bound on bytes. */
  maxBytes?: number;
  /** Relevance by meaning too (org.yaml or its resume's `memory.embeddings`): the registry key asked, and the model name its vectors are kept under. */
  embeddings?: { modelKey: string; model: string };
}

/** The whole org, loaded and checked. */
export interface Org {
  root: string;
  name: string;
  settings: EngineSettings;
  models: Readonly<Record<string, ModelEntry>>;
  /** Agents by name, in name order. */
  agents: ReadonlyMap<string, Agent>;
  /** MCP servers by name, from org.yaml `mcp_servers`. */
  mcpServers: Readonly<Record<string, McpServerConfig>>;
  /** Tools whose calls become proposals for the human (org.yaml `needs_approval`). */
  needsApproval: readonly string[];
  /** Tools the org defines as sandboxed commands (org.yaml `command_tools`), by name. */
  commandTools: Readonly<Record<string, CommandToolConfig>>;
  /** What fetch_url may reach (org.yaml `web`). */
  web: WebSettings;
  /** Webhooks that tell people what needs them (org.yaml `notify`); absent: none. */
  notify?: readonly NotifyTarget[];
  /** Whether each turn is kept in the org's history (org.yaml `history`); absent: not kept. */
  history?: HistorySettings;
  /** Where each turn is sent as a trace (org.yaml `telemetry`); absent: nowhere. */
  telemetry?: { otlp: string };
  /** The org's and its departments' spending ceilings (org.yaml `budget`, engine/budget/); absent: none. */
  budget?: OrgBudget;
  /** Person seats besides the human's that `lemming mcp --as <name>` may take (org.yaml `outside_seats`); absent: none. */
  outsideSeats?: readonly string[];
}

/** The `model:` of a person's resume (org/names.ts): no registry entry, never called; it must be the agent's only model. */
export { HUMAN_MODEL } from './names.js';
