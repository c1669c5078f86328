import { z } from 'zod';

/*
 * The answers of the routes that are not about messages (message-schemas.ts has those), as zod
 * schemas: the routes' answers must fit them (routes/route-answer.ts) and /api/openapi.json
 * describes them. An object schema lists every field a route sends: the document says no other
 * comes (additionalProperties false), and tests/service/openapi-clients.test.ts checks real answers.
 */

const count = z.int().min(0);

/** Every error the server answers (4xx, 5xx): one shape, whichever gate or route refused. */
export const errorSchema = z
  .object({
    error: z.string().describe('a code: bad-request, unauthorized, forbidden, not-found, index-loading, …'),
    message: z.string().describe('what is wrong and what a valid request looks like'),
    field: z.string().optional().describe('the parameter or body field that is not valid (400)'),
    index: z.enum(['loading', 'failed']).optional().describe('where the message index stands (503, with Retry-After)'),
    messages: count.optional().describe('how many messages the index holds so far (503)'),
  })
  .meta({ id: 'Error' });

/** `GET /healthz`. */
export const healthSchema = z.object({ status: z.literal('ok') });

/** `GET /readyz`, 200 and 503 alike. */
export const readinessSchema = z.object({
  ready: z.boolean(),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), reason: z.string().optional() })),
});

/** `GET /api/openapi.json`: an OpenAPI 3.1 document. */
export const openApiSchema = z.looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) });

/** `GET /api/orgs`. */
export const orgsSchema = z.array(z.object({ key: z.string(), name: z.string(), root: z.string(), base: z.string().describe('where its routes are: /o/<key>/'), turn: count }));

/** `GET /api/turns`: the turns a dashboard can show as they were, from the org's history. */
export const turnsSchema = z.object({
  live: count.describe('the turn the org has finished now: the view without `turn`'),
  keeps: z.boolean().describe('whether org/org.yaml keeps a history (`history: { keep: true }`)'),
  turns: z
    .array(
      z.object({
        turn: count.describe('ask any read route with `?turn=` this'),
        recorded: z.string().describe('when the entry was written (ISO)'),
        messages: count.describe('messages written in the turn'),
        credits: z.number().describe('credits charged in the turn'),
        note: z.string().optional().describe('said when the entry is not the plain record of its turn'),
      }),
    )
    .describe('the turns the history holds, newest first'),
  explanation: z.string().optional().describe('why there are no earlier turns to show, and how to keep them'),
});

const tokens = {
  inputTokens: count.describe('every prompt token, the cached ones included'),
  outputTokens: count,
  cachedInputTokens: count.optional().describe('of inputTokens, those a prompt cache served'),
  cacheWriteTokens: count.optional().describe('of inputTokens, those written to a prompt cache'),
};

/** One agent's line in `lemming status`. */
export const agentStatusSchema = z
  .object({
    name: z.string(),
    title: z.string(),
    model: z.string().describe('its models in order, joined with " -> "'),
    isHuman: z.boolean(),
    budget: z.number().describe('credits from its resume'),
    toppedUp: z.number(),
    spent: z.number(),
    balance: z.number(),
    ...tokens,
    unread: count.describe('mail waiting for it'),
    lastRan: count.optional(),
    lastActivity: z.object({ turn: count, summary: z.string() }).optional(),
    lastError: z.object({ turn: count, message: z.string() }).optional(),
    outOfCredits: z.literal(true).optional(),
    held: z.object({ model: z.string(), failedTurns: count, cause: z.string() }).optional().describe('not called because its models kept failing'),
  })
  .meta({ id: 'AgentStatus' });

/** Where the message index stands: loading (with how many so far), ready, or failed (why; tried again at the next request that needs it). */
export const indexStateSchema = z.union([
  z.object({ state: z.literal('loading'), messages: count }),
  z.object({ state: z.literal('ready'), messages: count }),
  z.object({ state: z.literal('failed'), messages: count, error: z.string() }),
]);

/** `GET /api/status`: `lemming status --json`, the message index, and what this process's engine is doing. */
export const statusSchema = z.object({
  org: z.string(),
  root: z.string(),
  turn: count,
  running: z.object({ pid: z.int(), command: z.string(), started: z.string() }).optional().describe('the engine that holds the lock now'),
  unfinishedTurn: z.boolean(),
  agents: z.array(agentStatusSchema),
  awaiting: z.array(z.object({ id: z.string(), from: z.string(), to: z.string(), turn: count, subject: z.string().optional() })).optional(),
  budget: z
    .array(
      z.object({
        department: z.string().optional().describe("the department's lead; absent: the whole org"),
        spent: z.number().describe('credits charged in the ledger under this ceiling'),
        ceiling: z.number().describe('org.yaml budget.credits, or the department\'s'),
        share: z.number().describe('spent / ceiling'),
        state: z.enum(['ok', 'warned', 'stopped']).describe('stopped: reached, no new model call starts under it until it is raised'),
        warnAt: z.array(z.number()).describe('the shares at which the human is told'),
      }),
    )
    .optional()
    .describe("the org's and departments' ceilings (org.yaml budget:); absent when it sets none"),
  breakerHeld: z.array(z.object({ agent: z.string(), by: z.enum(['breaker', 'intervention']), turn: count, reason: z.string() })).optional().describe('agents a circuit breaker or an intervention (`by`) holds until `lemming retry`'),
  historyBehind: z.object({ turn: count, problem: z.string(), at: z.string() }).optional(),
  messages: count.describe('messages the index holds'),
  index: indexStateSchema,
  served: z.enum(['turns', 'waiting', 'ended']).optional().describe('under `lemming run --serve`: what its engine is doing'),
});

/** `GET /api/agents`. */
export const agentsSchema = z.object({ agents: z.array(agentStatusSchema) });

const audience = z.union([z.array(z.string()), z.literal('*')]);

/** `GET /api/agents/{name}`: everything the agent page shows. */
export const agentSchema = z.object({
  name: z.string(),
  title: z.string(),
  models: z.array(z.string()),
  isHuman: z.boolean(),
  reportsTo: z.string().nullable(),
  schedule: z.object({ every: count, offset: count }),
  tools: z.array(z.string()),
  resume: z.object({ file: z.string(), text: z.string() }),
  sendTo: audience,
  readFrom: audience,
  reaches: z.array(z.string()),
  hears: z.array(z.string()),
  status: agentStatusSchema.optional(),
  credits: z.array(z.object({ turn: count, spent: z.number(), balance: z.number() })).describe('balance after each turn it was charged in'),
  notes: z.record(z.string(), z.string()),
  log: z.array(z.looseObject({ turn: count, at: z.string(), event: z.string() })).describe('the last entries of its activity log'),
  traces: z.array(count),
});

/** One agent as a node of the chart graph. */
export const chartNodeSchema = z.object({
  name: z.string(),
  title: z.string(),
  model: z.string(),
  isHuman: z.boolean(),
  reportsTo: z.string().nullable(),
  balance: z.number().describe('credits left'),
  budget: z.number().describe('the budget plus top-ups the balance is a part of'),
  unread: count,
  state: z.enum(['human', 'idle', 'has-mail', 'out-of-credits', 'error']),
});

/** A permission edge (both ends agree), with how much mail went along it. */
export const chartEdgeSchema = z.object({ from: z.string(), to: z.string(), recent: count.describe('messages along it in the last few turns'), total: count });

/** `GET /api/chart`. */
export const chartSchema = z.object({
  turn: count,
  nodes: z.array(chartNodeSchema),
  edges: z.array(chartEdgeSchema),
  edgesLimited: z.boolean().describe('too many edges to draw: only those that carried mail, and reporting lines'),
  trafficCounted: z.boolean().describe('false while the message index loads: the mail along each edge is not known yet'),
});

const modelShare = z.object({ input_tokens: count, output_tokens: count, cached_input_tokens: count.optional(), cache_write_tokens: count.optional(), calls: count.optional(), credits: z.number() });

/** A priced call's fields, on a charge line and a research line alike (engine/money/ledger.ts). */
const pricedCall = {
  turn: count,
  agent: z.string(),
  model: z.string(),
  input_tokens: count,
  output_tokens: count,
  cached_input_tokens: count.optional(),
  cache_write_tokens: count.optional(),
  calls: count.optional(),
  credits: z.number(),
  estimated: z.boolean().optional(),
  models: z.record(z.string(), modelShare).optional(),
  at: z.string(),
};

/** One line of the credit ledger (`org/state/ledger.jsonl`). */
export const ledgerEntrySchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('charge'), ...pricedCall }),
    // A question put to an agent (`lemming ask`, a survey): priced as a charge, paid by the research account.
    z.object({
      type: z.literal('research'),
      ...pricedCall,
      purpose: z.string(),
    }),
    z.object({ type: z.literal('top-up'), agent: z.string(), credits: z.number(), at: z.string() }),
    z.object({ type: z.literal('transfer'), agent: z.string(), credits: z.number(), proposal: z.string(), at: z.string() }),
  ])
  .meta({ id: 'LedgerEntry' });

/** One turn's spending across the org (or one agent). */
export const turnSpendSchema = z.object({ turn: count, credits: z.number(), calls: count, ...tokens });

/** `GET /api/ledger`. */
export const ledgerSchema = z.object({
  total: count,
  offset: count,
  limit: z.int().min(1),
  entries: z.array(ledgerEntrySchema),
  byTurn: z.array(turnSpendSchema),
});

/** `GET /api/traces/{agent}`. */
export const traceTurnsSchema = z.object({ agent: z.string(), turns: z.array(count) });

const usage = z.object({
  ...tokens,
  estimated: z.boolean(),
  calls: count.optional(),
  clamped: z.array(z.string()).optional().describe("what the usage gate did not take as the provider reported it, a sentence a change (a count past what a call can use, one below 1 token for every 8 of lemming's estimate, a fraction)"),
});
const modelAnswer = z
  .object({
    text: z.string(),
    toolCalls: z.array(z.object({ id: z.string(), name: z.string(), arguments: z.unknown().optional(), argumentsError: z.string().optional(), cut: z.boolean().optional() })),
    usage,
    charged: z.array(z.object({ modelKey: z.string(), usage })).optional(),
    modelKey: z.string(),
    notes: z.array(z.string()).optional(),
    unavailable: z.array(z.string()).optional(),
    truncated: z.boolean().optional(),
    receivedAt: z.string().optional(),
  })
  .meta({ id: 'ModelAnswer' });

/** `GET /api/traces/{agent}/{turn}`: one call as it was made: the prompt, each step, the answer. */
export const traceSchema = z.object({
  agent: z.string(),
  turn: count,
  at: z.string(),
  modelKey: z.string(),
  model: z.string(),
  request: z.object({
    system: z.string(),
    messages: z.array(z.object({ role: z.enum(['user', 'assistant']), content: z.string() })),
    tools: z.array(z.object({ name: z.string(), description: z.string(), parameters: z.record(z.string(), z.unknown()) })),
    maxOutputTokens: count.optional(),
    creditsLeft: z.number().optional(),
  }),
  response: modelAnswer,
  steps: z.array(z.object({ step: count, at: z.string(), messages: count, response: modelAnswer })).optional(),
});

const hire = z.object({
  name: z.string(),
  title: z.string(),
  instructions: z.string(),
  reports_to: z.string(),
  model: z.string(),
  credits: z.number(),
  send_to: z.array(z.string()),
  read_from: z.array(z.string()),
  tools: z.array(z.string()),
  template: z.string().optional().describe('the agent template the hire started from'),
});

/** A proposal as `GET /api/proposals` lists it. */
export const proposalSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['hire', 'retire', 'tool']),
    status: z.enum(['pending', 'approved', 'rejected', 'done', 'failed']),
    proposed_by: z.string(),
    turn: count,
    created: z.string(),
    hire: hire.optional(),
    retire: z
      .object({
        name: z.string(),
        reason: z.string(),
        credits: z.number().optional().describe('what moved from the retired agent to the proposer, once carried out'),
        removed_from: z.array(z.string()).optional().describe('the list and meeting fields it was taken out of, once carried out: org/meetings/standup.yaml attendees'),
      })
      .optional(),
    tool: z.object({ name: z.string(), arguments: z.unknown().optional() }).optional(),
    decided_at: z.string().optional(),
    reason: z.string().optional().describe('why it was rejected'),
    result: z.string().optional().describe('what an approved tool call returned (cut to 4,000 characters)'),
    result_error: z.boolean().optional(),
    told_turn: count.optional().describe('the turn whose inbox told the proposer of the decision'),
    description: z.string().describe('the line `lemming approvals` prints'),
    note: z.string().optional().describe('for one waiting, checked now: why it cannot be approved (the file to edit first), or what approving it edits besides its agent'),
    file: z.string(),
  })
  .meta({ id: 'Proposal' });

/** `GET /api/proposals`. */
export const proposalsSchema = z.object({ pending: z.array(proposalSchema), decided: z.array(proposalSchema), problems: z.array(z.string()).describe('files that do not parse') });

/** `POST /api/proposals/{id}/approve` and `…/reject`. */
export const decisionSchema = z.object({ id: z.string(), status: proposalSchema.shape.status, summary: z.string() });

/** `POST /api/top-up`. */
export const toppedUpSchema = z.object({ agent: z.string(), credits: z.number() });

/** `GET /api/agents/{name}/workspace?path=…`: a file of the agent's workspace, read-only, by the `read_file` tool's rules. */
export const workspaceFileSchema = z.object({
  agent: z.string(),
  path: z.string().describe('as the agent names it: work/notes.md, shared/plan.md'),
  file: z.string().describe('relative to the org root: agents/coder_01/workspace/work/notes.md'),
  size: count.describe("the file's size in bytes"),
  truncated: z.boolean().describe('only the first 256 KB are given'),
  binary: z.boolean().describe('it holds NUL bytes or is not UTF-8: text is empty'),
  text: z.string(),
});
