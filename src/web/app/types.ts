/**
 * The API's shapes as the app uses them: the server's own (src/web/api-types.ts, which both compile
 * against), plus the few the app names differently.
 */
import type { ChartView, IndexedMessage, StatusView, WebEvent as ApiWebEvent } from '../api-types.js';

export type { AgentStatus, AgentView, ChartNode, ProposalEntry, ProposalsView, RequestView, SentView, TurnSpend, WorkspaceFileView } from '../api-types.js';

/** A message in a list, a thread (with its depth) or a search (with its score). */
export type MessageSummary = IndexedMessage & { depth?: number; score?: number };

/** `GET /api/messages/:id`: the message with its body, where it lies, and what the reader noted about it. */
export interface FullMessage extends MessageSummary {
  body: string;
  path: string;
  model?: string;
  usage?: { inputTokens: number; outputTokens: number; cachedInputTokens?: number; cacheWriteTokens?: number; credits: number; estimated?: boolean };
  notes: string[];
}

export type Status = StatusView;
export type Chart = ChartView;

/** An engine event, loosely: the app shows a few fields and passes the rest through. */
export interface EngineEvent {
  type: string;
  turn?: number;
  agent?: string;
  [field: string]: unknown;
}

/** What the event stream carries, and the two events the stream itself adds. */
export type WebEvent = ApiWebEvent<EngineEvent> | { kind: 'reset' } | { kind: 'hello' };
