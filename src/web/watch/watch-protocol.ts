import type { AgentStatus, ChartEdge, IndexedMessage, RequestView, SearchResults, ThreadEntry, WebEvent } from '../api-types.js';
import type { MessageFilter, Page } from '../search/message-filter.js';

/** What the watch thread finds changed in the org: the events it hands to the browsers. */
export type WatchEvent = Exclude<WebEvent, { kind: 'engine' }>;

/** What the watch thread is started with. */
export interface WatchThreadData {
  root: string;
  /** How often it looks at the outboxes, the turn and the proposals unasked. */
  intervalMs: number;
  /** How often it saves the index (when it changed). */
  saveEveryMs: number;
  /**
   * The message files in the outboxes when the dashboard started (outbox-names.ts): the starting
   * point. What the index holds beyond them once it is in was written since, and comes as events.
   */
  startingFiles: string[];
  /** The org's secrets as this process knows them: the thread cuts them from the index it saves. */
  secrets: Array<[variable: string, value: string]>;
}

/** A question to the watch thread; it looks at the org before it answers, so the answer is fresh. */
export type WatchQuestion =
  | { op: 'look' }
  | { op: 'list'; filter: MessageFilter; page: Page }
  | { op: 'get'; id: string }
  | { op: 'find'; query: string; filter: MessageFilter; limit: number }
  | { op: 'thread'; id: string }
  | { op: 'requests'; agents: AgentStatus[] }
  | { op: 'traffic'; turn: number }
  | { op: 'save' };

/** Each question's answer. */
export interface WatchAnswers {
  look: null;
  list: { total: number; messages: IndexedMessage[] };
  get: IndexedMessage | null;
  find: SearchResults;
  thread: ThreadEntry[];
  requests: RequestView[];
  traffic: ChartEdge[];
  save: null;
}

/** A numbered question, as posted to the thread. */
export type WatchRequest = WatchQuestion & { seq: number };

/**
 * What the thread posts back: how many messages it has taken in so far while it builds the index,
 * that it has the index (what is there then is not news), what changed (before any answer that
 * follows from it), an answer, or a failure.
 */
export type WatchMessage =
  | { type: 'progress'; size: number }
  | { type: 'ready'; size: number }
  | { type: 'changed'; events: WatchEvent[]; size: number }
  | { type: 'answer'; seq: number; result: unknown; size: number }
  | { type: 'failed'; seq: number; message: string };
