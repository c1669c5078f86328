import { PRIORITIES, type Priority } from '../../mailbox/message.js';
import type { IndexedMessage } from './indexed-message.js';

/** What a list or a search of messages is narrowed to; every field is optional. */
export interface MessageFilter {
  from?: string;
  to?: string;
  /** Sent or received by this agent. */
  agent?: string;
  turnFrom?: number;
  turnTo?: number;
  priority?: Priority;
  /** Part of the subject, any case. */
  subject?: string;
}

/** A page of a longer list. */
export interface Page {
  offset: number;
  limit: number;
}

/** The most a page may hold, so one request cannot ask for the whole history at once. */
export const MAX_PAGE = 500;

/** A filter as a predicate. Pure. */
export function matches(filter: MessageFilter): (message: IndexedMessage) => boolean {
  const subject = filter.subject?.toLowerCase();
  return (message) =>
    (filter.from === undefined || message.from === filter.from) &&
    (filter.to === undefined || message.to === filter.to) &&
    (filter.agent === undefined || message.from === filter.agent || message.to === filter.agent) &&
    (filter.turnFrom === undefined || message.turn >= filter.turnFrom) &&
    (filter.turnTo === undefined || message.turn <= filter.turnTo) &&
    (filter.priority === undefined || message.priority === filter.priority) &&
    (subject === undefined || (message.subject ?? '').toLowerCase().includes(subject));
}

/** Thrown for a query parameter that cannot be used; says which and what a valid value looks like. */
export class BadQueryError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The longest text a search may look for: a search box's worth; each word is looked up with its prefixes and typos. */
export const MAX_QUERY_CHARS = 500;

/**
 * A whole number from `minimum` up to the largest a double holds exactly: past that, 10^20 and
 * 10^20 + 1 are the same number, and a turn or an offset means nothing. Throws BadQueryError.
 */
export function wholeNumber(value: string, field: string, minimum: number, maximum = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d{1,16}$/.test(value) || Number(value) < minimum || Number(value) > maximum || !Number.isSafeInteger(Number(value))) {
    throw new BadQueryError(field, wholeNumberRule(field, minimum, maximum));
  }
  return Number(value);
}

/** What a whole-number parameter must be, in the words of its 400: one sentence for the check here and the route's schema. */
export function wholeNumberRule(field: string, minimum: number, maximum = Number.MAX_SAFE_INTEGER): string {
  return `${field} must be a whole number from ${minimum} to ${maximum}, for example ${field}=${Math.max(minimum, 3)}`;
}

function whole(query: Record<string, string | undefined>, field: string, minimum: number, maximum?: number): number | undefined {
  const value = query[field];
  return value === undefined || value === '' ? undefined : wholeNumber(value, field, minimum, maximum);
}

/** The `q` of a search: trimmed, not empty, at most MAX_QUERY_CHARS. Throws BadQueryError. */
export function searchText(query: Record<string, string | undefined>): string {
  const text = query.q?.trim() ?? '';
  if (text === '') throw new BadQueryError('q', 'q is the text to search for, for example /api/search?q=release+notes');
  if (text.length > MAX_QUERY_CHARS) throw new BadQueryError('q', `q may be at most ${MAX_QUERY_CHARS} characters (it had ${text.length}); search for the words that matter, for example q=release+notes`);
  return text;
}

function text(query: Record<string, string | undefined>, field: string): string | undefined {
  const value = query[field]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The filter and page a request's query asks for: `from`, `to`, `agent`, `turn_from`, `turn_to`,
 * `priority`, `subject`, `offset`, `limit` (default 50, at most 500). Throws BadQueryError.
 */
export function parseFilterQuery(query: Record<string, string | undefined>): { filter: MessageFilter; page: Page } {
  const filter: MessageFilter = {};
  for (const field of ['from', 'to', 'agent', 'subject'] as const) {
    const value = text(query, field);
    if (value !== undefined) filter[field] = value;
  }
  const turnFrom = whole(query, 'turn_from', 0);
  const turnTo = whole(query, 'turn_to', 0);
  if (turnFrom !== undefined) filter.turnFrom = turnFrom;
  if (turnTo !== undefined) filter.turnTo = turnTo;
  const priority = text(query, 'priority');
  if (priority !== undefined) {
    if (!(PRIORITIES as readonly string[]).includes(priority)) throw new BadQueryError('priority', `priority must be one of ${PRIORITIES.join(', ')}, for example priority=urgent`);
    filter.priority = priority as Priority;
  }
  const limit = whole(query, 'limit', 1, MAX_PAGE) ?? 50;
  return { filter, page: { offset: whole(query, 'offset', 0) ?? 0, limit } };
}
