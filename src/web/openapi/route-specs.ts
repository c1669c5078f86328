import { z } from 'zod';
import { MAX_TOP_UP_CREDITS } from '../../engine/money/top-up.js';
import { PRIORITIES } from '../../mailbox/message.js';
import { MAX_PAGE, MAX_QUERY_CHARS, wholeNumberRule } from '../search/message-filter.js';

/** The most ids one request may mark read: a page shows far fewer, and each is looked up. */
export const MAX_READ_IDS = 1000;

/** One route the dashboard's server mounts: what it takes (schemas that validate it, see route-input.ts) and what it answers. */
export interface RouteSpec {
  method: 'get' | 'post' | 'all';
  /** As OpenAPI writes it: `/api/agents/{name}`. */
  path: string;
  summary: string;
  /** Reached without the token (health probes). */
  public?: boolean;
  /** Served once, at the root, not for each org under `/o/<key>/` (the probes, the list of orgs, this description). */
  serverWide?: boolean;
  /** Answers from the message index: 503 with Retry-After while it loads (routes/index-gate.ts). */
  needsIndex?: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodObject;
  /** The status of a success and what it holds. */
  answers: { status: 200 | 201; type: 'application/json' | 'text/event-stream' | 'text/plain' | 'text/html' | 'text/javascript'; description: string };
}

/** A required string field whose absence and wrong type are said with a valid example. */
function required(field: string, example: string, description: string) {
  const message = `${field} is required, for example "${field}": ${JSON.stringify(example)}`;
  return z.string({ error: (issue) => (issue.input === undefined ? message : `${field} must be a string, for example "${field}": "..."`) }).min(1, message).describe(description);
}

/** An optional string field: absent, null and empty mean not given. */
function optional(field: string, description: string) {
  return z
    .string({ error: `${field} must be a string, for example "${field}": "..."` })
    .nullish()
    .transform((value) => (value === null || value === '' ? undefined : value))
    .describe(description);
}

const wholeText = (field: string, minimum: number, description: string, maximum?: number) =>
  z
    .string()
    .regex(/^\d{0,16}$/, wholeNumberRule(field, minimum, maximum))
    .optional()
    .describe(description);

const filterQuery = {
  from: z.string().optional().describe('sent by this agent'),
  to: z.string().optional().describe('sent to this agent'),
  agent: z.string().optional().describe('sent by or to this agent'),
  subject: z.string().optional().describe('whose subject holds this text'),
  turn_from: wholeText('turn_from', 0, 'written in this turn or later'),
  turn_to: wholeText('turn_to', 0, 'written in this turn or earlier'),
  priority: z.enum(PRIORITIES, { error: `priority must be one of ${PRIORITIES.join(', ')}, for example priority=urgent` }).optional(),
  offset: wholeText('offset', 0, 'how many to skip (default 0)'),
  limit: wholeText('limit', 1, `how many at most (default 50, at most ${MAX_PAGE})`, MAX_PAGE),
};

const agentName = z.object({ name: z.string().describe('an agent, for example planner') });
const messageId = z.object({ id: z.string().describe('a message id, for example 000012-manager-001') });
const proposalId = z.object({ id: z.string().describe('a proposal id, as GET /api/proposals lists them') });
const json = (description: string) => ({ status: 200 as const, type: 'application/json' as const, description });

/** `POST /api/send`. */
export const SEND_ROUTE = {
  method: 'post' as const,
  path: '/api/send',
  body: z.object({
    to: required('to', 'manager', 'an agent the human may write to'),
    body: required('body', 'Please plan the release', 'the message'),
    subject: optional('subject', 'a subject line'),
    priority: z
      .enum(PRIORITIES, { error: `priority must be one of ${PRIORITIES.join(', ')}, for example "priority": "high"` })
      .nullish()
      .transform((value) => value ?? undefined),
    reply_to: optional('reply_to', 'the id of the message this answers'),
  }),
  summary: 'Send a message as the human (as `lemming send`).',
  answers: { status: 201 as const, type: 'application/json' as const, description: '{"id":…,"file":…,"delivery":…}' },
} satisfies RouteSpec;

/** `POST /api/top-up`. */
export const TOP_UP_ROUTE = {
  method: 'post' as const,
  path: '/api/top-up',
  body: z.object({ agent: required('agent', 'planner', 'the agent'), credits: z.number({ error: `credits must be a number above 0 and at most ${MAX_TOP_UP_CREDITS}, for example "credits": 0.5` }).describe('credits to add') }),
  summary: 'Give an agent credits (as `lemming top-up`).',
  answers: { status: 201 as const, type: 'application/json' as const, description: '{"agent":…,"credits":…}' },
} satisfies RouteSpec;

/** `POST /api/proposals/{id}/approve`. */
export const APPROVE_ROUTE = { method: 'post' as const, path: '/api/proposals/{id}/approve', params: proposalId, body: z.object({ reason: optional('reason', 'why') }), summary: 'Approve a proposal (as `lemming approve`).', answers: json('{"id":…,"status":"approved"}') } satisfies RouteSpec;

/** `POST /api/proposals/{id}/reject`. */
export const REJECT_ROUTE = { method: 'post' as const, path: '/api/proposals/{id}/reject', params: proposalId, body: z.object({ reason: optional('reason', 'why') }), summary: 'Reject a proposal (as `lemming reject`).', answers: json('{"id":…,"status":"rejected"}') } satisfies RouteSpec;

/** `POST /api/inbox/read`. */
export const READ_ROUTE = {
  method: 'post' as const,
  path: '/api/inbox/read',
  body: z.object({
    ids: z
      .array(z.string(), { error: 'ids must be a list of message ids, for example "ids": ["000012-manager-001"]' })
      .max(MAX_READ_IDS, {
        error: (issue) => `ids may hold at most ${MAX_READ_IDS} ids (it held ${Array.isArray(issue.input) ? issue.input.length : '?'}); send them in several requests, for example "ids": ["000012-manager-001"]`,
      }),
  }),
  summary: "Mark the human's messages read.",
  answers: json('{"read":…,"unknown":[…]}'),
} satisfies RouteSpec;

/** Every route of `lemming serve` and `lemming run --serve`, in the order the README lists them. `/api/openapi.json` is made from this list. */
export const ROUTES: readonly RouteSpec[] = [
  { method: 'get', path: '/healthz', public: true, serverWide: true, summary: 'The process answers.', answers: json('{"status":"ok"}') },
  { method: 'get', path: '/readyz', public: true, serverWide: true, summary: 'Ready to serve: 200, or 503 with each failing check and its reason.', answers: json('{"ready":true,"checks":[{"name":"engine","ok":true}]}') },
  { method: 'get', path: '/api/openapi.json', serverWide: true, summary: 'This document.', answers: json('OpenAPI 3.1') },
  { method: 'get', path: '/api/orgs', serverWide: true, summary: 'The orgs this server serves (`lemming serve --root A --root B`), each with its key, name, folder, turn and where its routes are (`/o/<key>/`).', answers: json('[{"key":…,"name":…,"root":…,"base":"/o/<key>/","turn":…}]') },
  { method: 'get', path: '/api/events', summary: 'Server-sent events: each engine event as it happens; Last-Event-ID resumes.', answers: { status: 200, type: 'text/event-stream', description: 'events' } },
  { method: 'get', path: '/api/status', summary: 'The org: turn, agents, credits, messages, where the message index stands (index.state loading, ready or failed), whether an engine serves it.', answers: json('status') },
  { method: 'get', path: '/api/agents', summary: 'Every agent with its state.', answers: json('{"agents":[…]}') },
  { method: 'get', path: '/api/agents/{name}', params: agentName, summary: 'One agent: resume, credits, recent activity.', answers: json('agent') },
  { method: 'get', path: '/api/chart', summary: 'The org chart with its edges and traffic (none while the message index loads: trafficCounted false).', answers: json('chart') },
  { method: 'get', path: '/api/messages', needsIndex: true, query: z.object(filterQuery), summary: 'Messages, newest first, filtered and paged.', answers: json('{"total":…,"messages":[…]}') },
  { method: 'get', path: '/api/messages/{id}', needsIndex: true, params: messageId, summary: 'One message with its body.', answers: json('message') },
  { method: 'get', path: '/api/threads/{id}', needsIndex: true, params: messageId, summary: 'The thread a message belongs to.', answers: json('{"id":…,"messages":[…]}') },
  { method: 'get', path: '/api/requests', needsIndex: true, summary: 'Requests and how far each has been followed.', answers: json('{"requests":[…]}') },
  {
    method: 'get',
    path: '/api/search',
    needsIndex: true,
    query: z.object({ q: z.string().max(MAX_QUERY_CHARS).describe('the text to search for'), ...filterQuery }),
    summary: 'Full-text search over messages, with the same filters.',
    answers: json('{"query":…,"hits":[…]}'),
  },
  { method: 'get', path: '/api/ledger', query: z.object({ agent: z.string().optional().describe("one agent's entries"), offset: filterQuery.offset, limit: filterQuery.limit }), summary: 'Ledger entries, newest first, and spend by turn.', answers: json('{"entries":[…],"byTurn":[…]}') },
  { method: 'get', path: '/api/traces/{agent}', params: z.object({ agent: z.string() }), summary: 'The turns with a call trace kept for the agent.', answers: json('{"agent":…,"turns":[…]}') },
  { method: 'get', path: '/api/traces/{agent}/{turn}', params: z.object({ agent: z.string(), turn: z.string().regex(/^\d+$/) }), summary: "One call's trace: prompt, steps, answer.", answers: json('trace') },
  { method: 'get', path: '/api/proposals', summary: 'Proposals waiting and decided.', answers: json('proposals') },
  { method: 'get', path: '/api/inbox', summary: "The human's mail, notices and sent messages.", answers: json('inbox') },
  SEND_ROUTE,
  TOP_UP_ROUTE,
  APPROVE_ROUTE,
  REJECT_ROUTE,
  READ_ROUTE,
  { method: 'all', path: '/mcp', summary: 'The org as an MCP server over streamable HTTP (as `lemming mcp`), behind the same token.', answers: json('MCP JSON-RPC') },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics of the org and the engine.', answers: { status: 200, type: 'text/plain', description: 'Prometheus text format 0.0.4' } },
  { method: 'get', path: '/', summary: 'The browser app.', answers: { status: 200, type: 'text/html', description: 'the page' } },
  { method: 'get', path: '/app/{file}', params: z.object({ file: z.string().regex(/^[a-z][a-z0-9-]*\.js$/) }), summary: "The browser app's modules.", answers: { status: 200, type: 'text/javascript', description: 'a module' } },
  { method: 'get', path: '/ui/shared/format.js', summary: 'The number format the page shares with the terminal.', answers: { status: 200, type: 'text/javascript', description: 'a module' } },
];

/** The spec of a route, by method and OpenAPI path; throws when there is none (a route without a spec is a bug the tests catch). */
export function routeSpec(method: RouteSpec['method'], path: string): RouteSpec {
  const found = ROUTES.find((route) => route.method === method && route.path === path);
  if (!found) throw new Error(`no route spec for ${method.toUpperCase()} ${path}`);
  return found;
}
