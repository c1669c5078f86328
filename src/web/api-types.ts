/*
 * The JSON the dashboard's API answers with (the README's API section), as types the server builds
 * its answers with and the browser app reads them with: each the type of the zod schema that
 * /api/openapi.json describes the answer by (openapi/answer-schemas.ts, message-schemas.ts), so the
 * document, the server and the page cannot part. Types only; nothing here may import Node's or the
 * DOM's types, since the app compiles this file with its own config (tsconfig.app.json) and the
 * server with its.
 */
import type { z } from 'zod';
import type { AgentStatus, OrgStatus } from '../engine/human/status-types.js';
import type * as answer from './openapi/answer-schemas.js';
import type * as mail from './openapi/message-schemas.js';

export type { AgentStatus, OrgStatus };

/** A message as the index keeps it (and as lists, searches and the event stream give it): its front matter, where it lies, and the start of its body. */
export type IndexedMessage = z.output<typeof mail.indexedMessageSchema>;

/** One message of a thread, with how deep its reply sits under the thread's first message. */
export type ThreadEntry = z.output<typeof mail.threadEntrySchema>;

/** Where one of the human's requests stands (`lemming requests`, `GET /api/requests`), derived from its thread. */
export type RequestView = z.output<typeof mail.requestViewSchema>;

/** A search hit: the message and how well it matched (0 when the hits are newest first). */
export type SearchHit = z.output<typeof mail.searchHitSchema>;

/** `GET /api/search` without the query: one page of hits and how many match in all. */
export type SearchResults = Omit<z.output<typeof mail.searchSchema>, 'query'>;

/** What the engine of `lemming run --serve` is doing: running turns, waiting for mail (idle), or ended (it runs no more turns). */
export type ServedState = NonNullable<StatusView['served']>;

/**
 * Where the dashboard's message index stands. It is taken in beside the server, which answers at
 * once: `loading` (with how many messages so far, when it builds from the outboxes; a saved index
 * loads in one piece, 0 until it is in), `ready`, or `failed` (why; it is tried again at the next
 * request that needs it). Searches, message lists, threads and requests answer 503 until `ready`.
 */
export type IndexState = z.output<typeof answer.indexStateSchema>;

/**
 * `GET /api/status`: `lemming status --json`, how many messages the index holds, where the index
 * stands, and, when this process runs the engine (`lemming run --serve`), what it is doing.
 */
export type StatusView = z.output<typeof answer.statusSchema>;

/** `POST /api/send`: the message written, and when it will be delivered, as true now. */
export type SentView = z.output<typeof mail.sentSchema>;

/** One agent as a node of the chart graph. */
export type ChartNode = z.output<typeof answer.chartNodeSchema>;

/** What a node of the chart shows about its agent. */
export type NodeState = ChartNode['state'];

/** A permission edge (both ends agree), with how much mail went along it (RECENT_TURNS in search/edge-traffic.ts). */
export type ChartEdge = z.output<typeof answer.chartEdgeSchema>;

/** `GET /api/chart`: the graph the dashboard draws. */
export type ChartView = z.output<typeof answer.chartSchema>;

/** One turn's spending across the org (or one agent): what the run page charts. */
export type TurnSpend = z.output<typeof answer.turnSpendSchema>;

/** `GET /api/agents/:name`: everything the agent page shows. */
export type AgentView = z.output<typeof answer.agentSchema>;

/** `GET /api/agents/:name/workspace?path=…`: a file of the agent's workspace, read-only, by the `read_file` tool's rules. */
export type WorkspaceFileView = z.output<typeof answer.workspaceFileSchema>;

/** A proposal as `GET /api/proposals` lists it: its file's fields, the line `lemming approvals` prints, and its file. */
export type ProposalEntry = z.output<typeof answer.proposalSchema>;

/** `GET /api/proposals`: what waits for the human (oldest first), what was decided (newest first), and unreadable files. */
export type ProposalsView = z.output<typeof answer.proposalsSchema>;

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
