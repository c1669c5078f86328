/*
 * The JSON the dashboard's API answers with (the README's API section): one set of types that the
 * server builds its answers with and the browser app reads them with. Types only; nothing here may
 * import Node's or the DOM's types, since the app compiles this file with its own config
 * (tsconfig.app.json) and the server with its.
 */
import type { AgentStatus, OrgStatus } from '../engine/human/status-types.js';

export type { AgentStatus, OrgStatus };

/** A message as the index keeps it (and as lists, searches and the event stream give it): its front matter, where it lies, and the start of its body. */
export interface IndexedMessage {
  id: string;
  from: string;
  to: string;
  turn: number;
  created: string;
  subject?: string;
  /** As mailbox/message.ts's PRIORITIES (toIndexed would not compile if they parted). */
  priority: 'low' | 'normal' | 'high' | 'urgent';
  replyTo?: string;
  /** The message file, relative to the org root. */
  file: string;
  /** The body's words without markdown, on one line, cut at a word to 160 characters with `…` (ui/shared/preview.ts). */
  preview: string;
  /** What the call that wrote it cost (its front matter's `usage`), when a model wrote it. A call that wrote several messages gives each the whole call's figures. */
  credits?: number;
  /** That call's tokens, in and out. */
  tokens?: number;
}

/** One message of a thread, with how deep its reply sits under the thread's first message. */
export interface ThreadEntry extends IndexedMessage {
  depth: number;
}

/** Where one of the human's requests stands (`lemming requests`, `GET /api/requests`), derived from its thread. */
export interface RequestView {
  /** The request: the human's message that answers no other. */
  id: string;
  turn: number;
  created: string;
  to: string;
  subject?: string;
  preview: string;
  /** Answered: the org wrote back to the human; stuck: it waits on an agent held for a failing model or out of credits. */
  state: 'answered' | 'open' | 'stuck';
  /** The org's newest message of the thread to the human. */
  answer?: { id: string; from: string; turn: number };
  /** Every agent a message of the thread reached, in the order it first did. */
  handedTo: string[];
  /** The agents it waits on: each received a message of the thread (`message`, written in turn `since`) and has sent nothing in it since. */
  waitingOn: Array<{ agent: string; since: number; message: string; stuck?: string }>;
  /** How many messages the thread holds, the request included. */
  messages: number;
  /** What the calls that wrote the thread's messages cost, each call counted once. */
  credits: number;
  tokens: number;
}

/** A search hit: the message and how well it matched (0 when the hits are newest first). */
export interface SearchHit extends IndexedMessage {
  score: number;
}

/** `GET /api/search`: one page of hits and how many match in all. */
export interface SearchResults {
  /** How many messages match in all (past the page). */
  total: number;
  /** True: best first; false: every word is in nearly every message, so newest first. */
  ranked: boolean;
  hits: SearchHit[];
}

/** What the engine of `lemming run --serve` is doing: running turns, waiting for mail (idle), or ended (it runs no more turns). */
export type ServedState = 'turns' | 'waiting' | 'ended';

/**
 * Where the dashboard's message index stands. It is taken in beside the server, which answers at
 * once: `loading` (with how many messages so far, when it builds from the outboxes; a saved index
 * loads in one piece, 0 until it is in), `ready`, or `failed` (why; it is tried again at the next
 * request that needs it). Searches, message lists, threads and requests answer 503 until `ready`.
 */
export type IndexState = { state: 'loading'; messages: number } | { state: 'ready'; messages: number } | { state: 'failed'; messages: number; error: string };

/**
 * `GET /api/status`: `lemming status --json`, how many messages the index holds, where the index
 * stands, and, when this process runs the engine (`lemming run --serve`), what it is doing.
 */
export type StatusView = OrgStatus & { messages: number; index: IndexState; served?: ServedState };

/** `POST /api/send`: the message written, and when it will be delivered, as true now. */
export interface SentView {
  id: string;
  file: string;
  /** When a turn will deliver it: this process's engine now, another's next turn, or none until a run starts. */
  delivery: string;
}

/** What a node of the chart shows about its agent. */
export type NodeState = 'human' | 'idle' | 'has-mail' | 'out-of-credits' | 'error';

/** One agent as a node of the chart graph. */
export interface ChartNode {
  name: string;
  title: string;
  model: string;
  isHuman: boolean;
  reportsTo: string | null;
  /** Credits left, and the budget plus top-ups it is a part of (for the bar). */
  balance: number;
  budget: number;
  unread: number;
  state: NodeState;
}

/** A permission edge (both ends agree), with how much mail went along it. */
export interface ChartEdge {
  from: string;
  to: string;
  /** Messages along it in the last few turns (RECENT_TURNS in search/edge-traffic.ts). */
  recent: number;
  total: number;
}

/** `GET /api/chart`: the graph the dashboard draws. */
export interface ChartView {
  turn: number;
  nodes: ChartNode[];
  edges: ChartEdge[];
  /** True when the org allows too many edges to draw: only those that carried mail, and reporting lines, are given. */
  edgesLimited: boolean;
  /** False while the message index loads: the edges are drawn, but how much mail went along each is not known yet (0). */
  trafficCounted: boolean;
}

/** One turn's spending across the org (or one agent): what the run page charts. */
export interface TurnSpend {
  turn: number;
  credits: number;
  calls: number;
  /** Every prompt token, the cached ones included. */
  inputTokens: number;
  outputTokens: number;
  /** Of inputTokens, those a prompt cache served; absent when none were. */
  cachedInputTokens?: number;
  /** Of inputTokens, those written to a prompt cache; absent when none were. */
  cacheWriteTokens?: number;
}

/** `GET /api/agents/:name`: everything the agent page shows. */
export interface AgentView {
  name: string;
  title: string;
  models: string[];
  isHuman: boolean;
  reportsTo: string | null;
  schedule: { every: number; offset: number };
  tools: string[];
  /** The resume file as a person wrote it, front matter and all. */
  resume: { file: string; text: string };
  /** As the chart says: `*` or the names listed. */
  sendTo: string[] | '*';
  readFrom: string[] | '*';
  /** Whom its mail really reaches, and who can really reach it (both ends agree). */
  reaches: string[];
  hears: string[];
  status?: AgentStatus;
  /** Balance after each turn it was charged in, oldest first. */
  credits: Array<{ turn: number; spent: number; balance: number }>;
  notes: Record<string, string>;
  /** The last entries of its activity log (agents/<name>/logs/activity.jsonl), oldest first. */
  log: Array<{ turn: number; at: string; event: string; [field: string]: unknown }>;
  /** Turns that have a call trace, oldest first. */
  traces: number[];
}

/** `GET /api/agents/:name/workspace?path=…`: a file of the agent's workspace, read-only, by the `read_file` tool's rules. */
export interface WorkspaceFileView {
  agent: string;
  /** As the agent names it: `work/notes.md`, `shared/plan.md`. */
  path: string;
  /** Relative to the org root: `agents/coder_01/workspace/work/notes.md`. */
  file: string;
  /** The file's size in bytes. */
  size: number;
  /** Only the first 256 KB are given. */
  truncated: boolean;
  /** It holds NUL bytes or is not UTF-8: `text` is empty. */
  binary: boolean;
  text: string;
}

/** A proposal as `GET /api/proposals` lists it: its file's fields, the line `lemming approvals` prints, and its file. */
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
  /** Why it was rejected, when the person said. */
  reason?: string;
  description: string;
  file: string;
}

/** `GET /api/proposals`: what waits for the human (oldest first), what was decided (newest first), and unreadable files. */
export interface ProposalsView {
  pending: ProposalEntry[];
  decided: ProposalEntry[];
  /** Files of `org/proposals/` that do not parse, each with what is wrong. */
  problems: string[];
}

/**
 * What the event stream (`GET /api/events`) carries: the engine's own events (when the serving process
 * runs the engine), mail found in the outboxes (whoever wrote it), the turn moving on (whichever process
 * ran it), and the proposals changing. `Event` is the engine's event type on the server.
 */
export type WebEvent<Event = { type: string; turn?: number; agent?: string; [field: string]: unknown }> =
  | { kind: 'engine'; event: Event }
  | { kind: 'mail'; message: IndexedMessage }
  | { kind: 'turn'; turn: number }
  /** A proposal appeared or was decided; `pending` is how many now wait for the human. */
  | { kind: 'proposals'; pending: number };
