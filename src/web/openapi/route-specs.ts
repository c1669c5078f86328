import { z } from 'zod';
import { MAX_TOP_UP_CREDITS } from '../../engine/money/top-up.js';
import { showGiven } from '../../format/format.js';
import { PRIORITIES } from '../../mailbox/message.js';
import { MAX_PAGE, MAX_QUERY_CHARS } from '../search/message-filter.js';
import { TURNS_SHOWN } from '../views/credits-by-turn-chart.js';
import * as answer from './answer-schemas.js';
import * as mail from './message-schemas.js';
import { json, optional, required, text, wholeQuery, type RouteSpec } from './route-spec.js';
import { analysisSchema } from './analysis-schema.js';

export type { RouteSpec };

/** The most ids one request may mark read: a page shows far fewer, and each is looked up. */
export const MAX_READ_IDS = 1000;

const filterQuery = {
  from: z.string().optional().describe('sent by this agent'),
  to: z.string().optional().describe('sent to this agent'),
  agent: z.string().optional().describe('sent by or to this agent'),
  subject: z.string().optional().describe('whose subject holds this text'),
  turn_from: wholeQuery('turn_from', 0, 'written in this turn or later'),
  turn_to: wholeQuery('turn_to', 0, 'written in this turn or earlier'),
  priority: z.enum(PRIORITIES, { error: `priority must be one of ${PRIORITIES.join(', ')}, for example priority=urgent` }).optional(),
  offset: wholeQuery('offset', 0, 'how many to skip (default 0)'),
  limit: wholeQuery('limit', 1, `how many at most (default 50, at most ${MAX_PAGE})`, MAX_PAGE),
};

/**
 * `?turn=N` on a read route (`atTurn`): the org as it was after turn N, from its history, read-only.
 * One schema for the document and for the check (web/turns/at-turn.ts).
 */
export const TURN_QUERY = z.object({
  turn: wholeQuery('turn', 0, 'the org as it was after this turn, read-only (GET /api/turns lists the turns kept); absent: the org now'),
});

const agentName = z.object({ name: z.string().describe('an agent, for example planner') });
const messageId = z.object({ id: z.string().describe('a message id, for example 000012-manager-001') });
const proposalId = z.object({ id: z.string().describe('a proposal id, as GET /api/proposals lists them') });
const traceAgent = z.object({ agent: z.string().describe('an agent, for example manager') });

export const HEALTH_ROUTE = { method: 'get', path: '/healthz', operationId: 'getHealth', public: true, serverWide: true, summary: 'The process answers.', answers: json('it answers', answer.healthSchema) } satisfies RouteSpec;
export const READY_ROUTE = {
  method: 'get',
  path: '/readyz',
  operationId: 'getReadiness',
  public: true,
  serverWide: true,
  summary: 'Ready to serve: 200, or 503 with each failing check and its reason.',
  answers: json('every check holds', answer.readinessSchema),
} satisfies RouteSpec;
export const OPENAPI_ROUTE = { method: 'get', path: '/api/openapi.json', operationId: 'getOpenApiDocument', serverWide: true, summary: 'This document.', answers: json('OpenAPI 3.1', answer.openApiSchema) } satisfies RouteSpec;
export const ORGS_ROUTE = {
  method: 'get',
  path: '/api/orgs',
  operationId: 'listOrgs',
  serverWide: true,
  summary: 'The orgs this server serves (`lemming serve --root A --root B`), each with its key, name, folder, turn and where its routes are (`/o/<key>/`).',
  answers: json('the orgs, the first one first', answer.orgsSchema),
} satisfies RouteSpec;
export const TURNS_ROUTE = {
  method: 'get',
  path: '/api/turns',
  operationId: 'listTurns',
  summary: "The turns the org's history holds, newest first: any of them can be asked of the read routes with `?turn=N`; with none, why (the org keeps no history, or none yet).",
  answers: json('the turns kept', answer.turnsSchema),
} satisfies RouteSpec;
export const STATUS_ROUTE = {
  method: 'get',
  path: '/api/status',
  operationId: 'getStatus',
  atTurn: true,
  summary: 'The org: turn, agents, credits, messages, where the message index stands (index.state loading, ready or failed), whether an engine serves it.',
  answers: json('the org now', answer.statusSchema),
} satisfies RouteSpec;
export const AGENTS_ROUTE = { method: 'get', path: '/api/agents', operationId: 'listAgents', atTurn: true, summary: 'Every agent with its state.', answers: json('every agent', answer.agentsSchema) } satisfies RouteSpec;
export const AGENT_ROUTE = { method: 'get', path: '/api/agents/{name}', operationId: 'getAgent', atTurn: true, params: agentName, summary: 'One agent: resume, credits, recent activity.', answers: json('the agent', answer.agentSchema) } satisfies RouteSpec;
export const CHART_ROUTE = {
  method: 'get',
  path: '/api/chart',
  operationId: 'getChart',
  atTurn: true,
  summary: 'The org chart with its edges and traffic (none while the message index loads: trafficCounted false).',
  answers: json('the graph', answer.chartSchema),
} satisfies RouteSpec;
/** What a chart's `.vl.json` route answers: the spec its SVG is drawn from, for a person to open, change and draw again. */
const vegaLiteSpec = z.looseObject({ $schema: z.string() }).describe('a Vega-Lite spec (data, marks, encodings): open it in the Vega editor (vega.github.io/editor) to change the chart');
export const CREDITS_CHART_ROUTE = {
  method: 'get',
  path: '/api/charts/credits-by-turn.svg',
  operationId: 'getCreditsByTurnChart',
  atTurn: true,
  summary: `The Run page's chart, drawn by Vega-Lite: the credits burned in each turn (the latest ${TURNS_SHOWN}), a bar per turn on an axis from zero; its spec is at credits-by-turn.vl.json.`,
  answers: text('image/svg+xml', 'the chart'),
} satisfies RouteSpec;
export const CREDITS_CHART_SPEC_ROUTE = {
  method: 'get',
  path: '/api/charts/credits-by-turn.vl.json',
  operationId: 'getCreditsByTurnChartSpec',
  atTurn: true,
  summary: 'The Vega-Lite spec the credits-by-turn chart is drawn from, its data in it.',
  answers: json('the spec', vegaLiteSpec),
} satisfies RouteSpec;
export const AGENT_CREDITS_CHART_ROUTE = {
  method: 'get',
  path: '/api/agents/{name}/credits.svg',
  operationId: 'getAgentCreditsChart',
  atTurn: true,
  params: agentName,
  summary: "An agent page's chart, drawn by Vega-Lite: its credits left from turn 0 (its budget and what it was given) to after each turn it was charged in, on an axis from zero; its spec is at credits.vl.json.",
  answers: text('image/svg+xml', 'the chart'),
} satisfies RouteSpec;
export const AGENT_CREDITS_CHART_SPEC_ROUTE = {
  method: 'get',
  path: '/api/agents/{name}/credits.vl.json',
  operationId: 'getAgentCreditsChartSpec',
  atTurn: true,
  params: agentName,
  summary: "The Vega-Lite spec an agent's credits chart is drawn from, its data in it.",
  answers: json('the spec', vegaLiteSpec),
} satisfies RouteSpec;
export const MESSAGES_ROUTE = { method: 'get', path: '/api/messages', operationId: 'listMessages', atTurn: true, needsIndex: true, query: z.object(filterQuery), summary: 'Messages, newest first, filtered and paged.', answers: json('one page', mail.messagePageSchema) } satisfies RouteSpec;
export const MESSAGE_ROUTE = { method: 'get', path: '/api/messages/{id}', operationId: 'getMessage', atTurn: true, needsIndex: true, params: messageId, summary: 'One message with its body.', answers: json('the message', mail.messageFileSchema) } satisfies RouteSpec;
export const THREAD_ROUTE = { method: 'get', path: '/api/threads/{id}', operationId: 'getThread', atTurn: true, needsIndex: true, params: messageId, summary: 'The thread a message belongs to.', answers: json('the thread, in order', mail.threadSchema) } satisfies RouteSpec;
export const REQUESTS_ROUTE = { method: 'get', path: '/api/requests', operationId: 'listRequests', atTurn: true, needsIndex: true, summary: 'Requests and how far each has been followed.', answers: json("the human's requests", mail.requestsSchema) } satisfies RouteSpec;
export const WORKSPACE_FILE_ROUTE = {
  method: 'get',
  path: '/api/agents/{name}/workspace',
  operationId: 'getWorkspaceFile',
  atTurn: true,
  params: agentName,
  query: z.object({ path: z.string().min(1, 'path is required, for example path=notes.md').describe("a file of the agent's workspace, as the read_file tool takes it: notes.md, or shared/plan.md for the shared one") }),
  summary: "A file of the agent's workspace, read-only, by the read_file tool's rules (no `..`, nothing absolute, no link followed); at most 256 KB, binary files named, not given.",
  answers: json('the file', answer.workspaceFileSchema),
  errors: [400, 404],
} satisfies RouteSpec;
export const ANALYSIS_ROUTE = {
  method: 'get',
  path: '/api/analysis',
  operationId: 'getAnalysis',
  atTurn: true,
  summary: 'The org measured from its files, as `lemming analyze --json`: load per agent, messages per edge, request paths, bottlenecks, unanswered requests, failure patterns.',
  answers: json('the analysis', analysisSchema),
} satisfies RouteSpec;
export const SEARCH_ROUTE = {
  method: 'get',
  path: '/api/search',
  operationId: 'searchMessages',
  atTurn: true,
  needsIndex: true,
  query: z.object({ q: z.string().max(MAX_QUERY_CHARS).describe('the text to search for'), ...filterQuery }),
  summary: 'Full-text search over messages, with the same filters.',
  answers: json('one page of hits', mail.searchSchema),
} satisfies RouteSpec;
export const LEDGER_ROUTE = {
  method: 'get',
  path: '/api/ledger',
  operationId: 'listLedger',
  atTurn: true,
  query: z.object({ agent: z.string().optional().describe("one agent's entries"), offset: filterQuery.offset, limit: filterQuery.limit }),
  summary: 'Ledger entries, newest first, and spend by turn.',
  answers: json('one page of entries', answer.ledgerSchema),
} satisfies RouteSpec;
export const TRACES_ROUTE = { method: 'get', path: '/api/traces/{agent}', operationId: 'listTraceTurns', atTurn: true, params: traceAgent, summary: 'The turns with a call trace kept for the agent.', answers: json('the turns', answer.traceTurnsSchema) } satisfies RouteSpec;
export const TRACE_ROUTE = {
  method: 'get',
  path: '/api/traces/{agent}/{turn}',
  operationId: 'getTrace',
  atTurn: true,
  errors: [400],
  params: traceAgent.extend({ turn: z.string().regex(/^\d+$/).describe('a turn, as GET /api/traces/{agent} lists them') }),
  summary: "One call's trace: prompt, steps, answer.",
  answers: json('the trace', answer.traceSchema),
} satisfies RouteSpec;
export const PROPOSALS_ROUTE = { method: 'get', path: '/api/proposals', operationId: 'listProposals', atTurn: true, summary: 'Proposals waiting and decided.', answers: json('waiting oldest first, decided newest first', answer.proposalsSchema) } satisfies RouteSpec;
export const INBOX_ROUTE = { method: 'get', path: '/api/inbox', operationId: 'getInbox', atTurn: true, summary: "The human's mail, notices and sent messages.", answers: json("the human's mail", mail.inboxSchema) } satisfies RouteSpec;

const TO_RULE = 'to is required: a name, or a list of names, for example "to": "manager" or "to": ["manager", "hr"]';

/**
 * `to` of a send: one name or a list, as `lemming send --to a,b` takes several (one message, one file,
 * read by each); every name passes the chart at both ends, or nothing is sent. Always a list past here.
 */
const recipientsField = z
  .union([z.string().min(1, TO_RULE), z.array(z.string({ error: TO_RULE }).min(1, TO_RULE), { error: TO_RULE }).min(1, TO_RULE)], { error: TO_RULE })
  .transform((value) => (typeof value === 'string' ? [value] : value))
  .describe('the agents (or lists) the human writes to: one name, or a list of names that each read the one message, as `lemming send --to a,b`; each must pass the chart, or nothing is sent');

/** `POST /api/send`. */
export const SEND_ROUTE = {
  method: 'post',
  path: '/api/send',
  operationId: 'sendMessage',
  body: z.object({
    to: recipientsField,
    cc: z
      .array(z.string().min(1), { error: 'cc must be a list of names, for example "cc": ["hr"]' })
      .nullish()
      .transform((value) => value ?? undefined)
      .describe('copies: agents (or lists) who read the one message as `to` does, as `lemming send --cc`; each must pass the chart, or nothing is sent'),
    body: required('body', 'Please plan the release', 'the message'),
    subject: optional('subject', 'a subject line'),
    priority: z
      .enum(PRIORITIES, { error: `priority must be one of ${PRIORITIES.join(', ')}, for example "priority": "high"` })
      .nullish()
      .transform((value) => value ?? undefined),
    reply_to: optional('reply_to', 'the id of the message this answers'),
  }),
  errors: [403, 404],
  summary: 'Send a message as the human (as `lemming send`).',
  answers: json('the message written, and when it will be delivered', mail.sentSchema, 201),
} satisfies RouteSpec;

/** What a top-up's `credits` must be, as the 400 says it (the rule itself is topUp's: engine/money/top-up.ts). */
const TOP_UP_CREDITS_RULE = `credits must be a number above 0 and at most ${MAX_TOP_UP_CREDITS}, in at most 9 decimals, for example "credits": 0.5`;

/** A value as a refusal says it got it: a number as written (showGiven), anything else by its kind (a string's start, quoted). */
function shownValue(value: unknown): string {
  if (typeof value === 'number') return showGiven(value);
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `a string, ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)}`;
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The 400 for a top-up's `credits`, of the schema's check (not a number) and of topUp's (not an amount it takes) alike. */
export function topUpCreditsRefusal(given: unknown): string {
  return `${TOP_UP_CREDITS_RULE} (got ${shownValue(given)})`;
}

/** `POST /api/top-up`. */
export const TOP_UP_ROUTE = {
  method: 'post',
  path: '/api/top-up',
  operationId: 'topUp',
  body: z.object({ agent: required('agent', 'planner', 'the agent'), credits: z.number({ error: (issue) => topUpCreditsRefusal(issue.input) }).describe('credits to add') }),
  errors: [404],
  summary: 'Give an agent credits (as `lemming top-up`).',
  answers: json('the credits added', answer.toppedUpSchema, 201),
} satisfies RouteSpec;

/** `POST /api/proposals/{id}/approve`. */
export const APPROVE_ROUTE = {
  method: 'post',
  path: '/api/proposals/{id}/approve',
  operationId: 'approveProposal',
  params: proposalId,
  body: z.object({ reason: optional('reason', 'why') }),
  errors: [409],
  summary: 'Approve a proposal (as `lemming approve`).',
  answers: json('the decision', answer.decisionSchema),
} satisfies RouteSpec;

/** `POST /api/proposals/{id}/reject`. */
export const REJECT_ROUTE = {
  method: 'post',
  path: '/api/proposals/{id}/reject',
  operationId: 'rejectProposal',
  params: proposalId,
  body: z.object({ reason: optional('reason', 'why') }),
  errors: [409],
  summary: 'Reject a proposal (as `lemming reject`).',
  answers: json('the decision', answer.decisionSchema),
} satisfies RouteSpec;

/** `POST /api/inbox/read`. */
export const READ_ROUTE = {
  method: 'post',
  path: '/api/inbox/read',
  operationId: 'markRead',
  body: z.object({
    ids: z
      .array(z.string(), { error: 'ids must be a list of message ids, for example "ids": ["000012-manager-001"]' })
      .max(MAX_READ_IDS, {
        error: (issue) => `ids may hold at most ${MAX_READ_IDS} ids (it held ${Array.isArray(issue.input) ? issue.input.length : '?'}); send them in several requests, for example "ids": ["000012-manager-001"]`,
      }),
  }),
  summary: "Mark the human's messages read.",
  answers: json("how many were marked, and the ids that are not the human's mail", mail.markedReadSchema),
} satisfies RouteSpec;

/** Every route of `lemming serve` and `lemming run --serve`, in the order the README lists them. `/api/openapi.json` is made from this list. */
export const ROUTES: readonly RouteSpec[] = [
  HEALTH_ROUTE,
  READY_ROUTE,
  OPENAPI_ROUTE,
  ORGS_ROUTE,
  { method: 'get', path: '/api/events', operationId: 'streamEvents', summary: 'Server-sent events: each engine event as it happens; Last-Event-ID resumes.', answers: text('text/event-stream', 'events, each `data` a JSON object with its `kind`') },
  STATUS_ROUTE,
  TURNS_ROUTE,
  AGENTS_ROUTE,
  AGENT_ROUTE,
  WORKSPACE_FILE_ROUTE,
  AGENT_CREDITS_CHART_ROUTE,
  AGENT_CREDITS_CHART_SPEC_ROUTE,
  CHART_ROUTE,
  MESSAGES_ROUTE,
  MESSAGE_ROUTE,
  THREAD_ROUTE,
  REQUESTS_ROUTE,
  ANALYSIS_ROUTE,
  SEARCH_ROUTE,
  LEDGER_ROUTE,
  CREDITS_CHART_ROUTE,
  CREDITS_CHART_SPEC_ROUTE,
  TRACES_ROUTE,
  TRACE_ROUTE,
  PROPOSALS_ROUTE,
  INBOX_ROUTE,
  SEND_ROUTE,
  TOP_UP_ROUTE,
  APPROVE_ROUTE,
  REJECT_ROUTE,
  READ_ROUTE,
  {
    method: 'all',
    path: '/mcp',
    operationId: 'mcp',
    summary: 'The org as an MCP server over streamable HTTP (as `lemming mcp`), behind the same token.',
    answers: json('MCP JSON-RPC (or a stream of it, text/event-stream)', z.unknown()),
  },
  { method: 'get', path: '/metrics', operationId: 'getMetrics', summary: 'Prometheus metrics of the org and the engine.', answers: text('text/plain', 'Prometheus text format 0.0.4') },
  { method: 'get', path: '/', operationId: 'getPage', summary: 'The browser app.', answers: text('text/html', 'the page') },
  { method: 'get', path: '/app/{file}', operationId: 'getAppModule', params: z.object({ file: z.string().regex(/^[a-z][a-z0-9-]*\.js$/) }), summary: "The browser app's modules.", answers: text('text/javascript', 'a module') },
  { method: 'get', path: '/format/format.js', operationId: 'getFormatModule', summary: 'The number format the page shares with the terminal.', answers: text('text/javascript', 'a module') },
  { method: 'get', path: '/format/mail-outcomes.js', operationId: 'getMailOutcomesModule', summary: 'The words for forms of delivery and causes of refusal the page shares with the terminal.', answers: text('text/javascript', 'a module') },
  { method: 'get', path: '/ui/shared/preview.js', operationId: 'getPreviewModule', summary: 'The rule for a line of preview the page shares with the server.', answers: text('text/javascript', 'a module') },
  { method: 'get', path: '/analysis/finding-lines.js', operationId: 'getFindingLinesModule', summary: 'The findings of an analysis in the lines `lemming analyze` prints, which the page shares with the terminal.', answers: text('text/javascript', 'a module') },
  { method: 'get', path: '/analysis/failures/mast.js', operationId: 'getMastModule', summary: 'The MAST failure modes the findings name, shared with the terminal.', answers: text('text/javascript', 'a module') },
];

/** The spec of a route, by method and OpenAPI path; throws when there is none (a route without a spec is a bug the tests catch). */
export function routeSpec(method: RouteSpec['method'], path: string): RouteSpec {
  const found = ROUTES.find((route) => route.method === method && route.path === path);
  if (!found) throw new Error(`no route spec for ${method.toUpperCase()} ${path}`);
  return found;
}
