/** The shapes the API answers with, as the app uses them (see the README's API section). */

export interface MessageSummary {
  id: string;
  from: string;
  to: string;
  turn: number;
  created: string;
  subject?: string;
  priority: string;
  replyTo?: string;
  file: string;
  preview: string;
  depth?: number;
  score?: number;
}

export interface FullMessage extends MessageSummary {
  body: string;
  path: string;
  model?: string;
  usage?: { inputTokens: number; outputTokens: number; credits: number; estimated?: boolean };
  notes: string[];
}

export interface AgentStatus {
  name: string;
  title: string;
  model: string;
  isHuman: boolean;
  budget: number;
  toppedUp: number;
  spent: number;
  balance: number;
  inputTokens: number;
  outputTokens: number;
  unread: number;
  lastActivity?: { turn: number; summary: string };
  lastError?: { turn: number; message: string };
}

export interface Status {
  org: string;
  turn: number;
  running?: { pid: number; command: string; started: string };
  agents: AgentStatus[];
  messages: number;
}

export interface ChartNode {
  name: string;
  title: string;
  model: string;
  isHuman: boolean;
  reportsTo: string | null;
  balance: number;
  budget: number;
  unread: number;
  state: string;
}

export interface Chart {
  turn: number;
  nodes: ChartNode[];
  edges: Array<{ from: string; to: string; recent: number; total: number }>;
  edgesLimited: boolean;
}

export interface EngineEvent {
  type: string;
  turn?: number;
  agent?: string;
  [field: string]: unknown;
}

/** What the event stream carries (see src/web/event-hub.ts). */
export type WebEvent = { kind: 'engine'; event: EngineEvent } | { kind: 'mail'; message: MessageSummary } | { kind: 'turn'; turn: number } | { kind: 'proposals'; pending: number } | { kind: 'reset' } | { kind: 'hello' };

export interface TurnSpend {
  turn: number;
  credits: number;
  calls: number;
  inputTokens: number;
  outputTokens: number;
}

export interface ProposalEntry {
  id: string;
  kind: 'hire' | 'retire' | 'tool';
  status: 'pending' | 'approved' | 'rejected' | 'done';
  proposed_by: string;
  turn: number;
  created: string;
  hire?: { name: string; title: string; instructions: string; reports_to: string; model: string; credits: number; send_to: string[]; read_from: string[]; tools: string[] };
  retire?: { name: string; reason: string };
  tool?: { name: string; arguments: unknown };
  reason?: string;
  description: string;
  file: string;
}

export interface ProposalsView {
  pending: ProposalEntry[];
  decided: ProposalEntry[];
  problems: string[];
}
