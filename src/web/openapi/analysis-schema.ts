import { z } from 'zod';
import type { OrgAnalysis } from '../../analysis/org-analysis.js';

/*
 * `GET /api/analysis` (what `lemming analyze --json` prints) as a zod schema: the route's answer must
 * fit it (routes/route-answer.ts) and /api/openapi.json describes it. It mirrors analysis/org-analysis.ts,
 * whose types the engine side owns; `satisfies` below keeps the two from drifting apart.
 */

const count = z.int().min(0);

/** Turns of waiting mail an agent was held in, by the refusals table's hold causes. */
const heldTurns = z.object({ budget: count.optional(), ceiling: count.optional(), breaker: count.optional(), intervention: count.optional(), activation: count.optional(), answer: count.optional() });

/** An agent whose mail waited unread: a bottleneck, or one held with mail. */
const waited = z.object({
  agent: z.string(),
  longestWait: count,
  message: z.string(),
  turnsWithMailWaiting: count,
  stillWaiting: count,
  held: heldTurns,
  unrecorded: z.int().min(1).optional().describe('turns it was not called in with no record of why (an org from before lemming kept its holds, a record made by hand); absent: none'),
});

/** What made a report (src/provenance/provenance-types.ts): lemming's version, the model of each agent that answered, the caveats, the settings. */
const provenanceSchema = z.object({
  lemming: z.string(),
  models: z.array(
    z.object({ entry: z.string(), provider: z.string(), model: z.string(), temperature: z.string(), seeds: z.array(z.number()), seed: z.string(), note: z.string().optional(), agents: z.array(z.string()) }),
  ),
  caveats: z.array(z.string()),
  settings: z.array(z.object({ setting: z.string(), variants: z.array(z.string()).optional(), value: z.string(), isDefault: z.boolean(), source: z.string() })).optional(),
});
const pair = z.object({ from: z.string(), to: z.string() });
/** Counts by form of delivery (src/format/mail-outcomes.ts). */
const forms = z.object({ direct: count, to: count, cc: count, list: count, meeting: count }).describe('readers reached by each form: one-to-one, one of several in to:, a copy, a mailing list, a meeting');
/** Counts by cause of refusal. */
const causes = { chart: count, cap: count, budget: count, ceiling: count, breaker: count, intervention: count, activation: count, answer: count };

/** The org's network measured from its files. */
export const analysisSchema = z
  .object({
    org: z.string(),
    turn: count.describe('the last finished turn the figures run to'),
    messages: count.describe("message files the outboxes hold that were delivered, the person's too"),
    personMessages: count.describe("of them, those a person wrote (a human seat's); the rest is an experiment's `messages`"),
    personMessagesBySeat: z.record(z.string(), count).optional().describe('of them, each human seat\'s (the person\'s, and each of `outside_seats`), every seat named'),
    limits: z.object({ pingPongMessages: count, waitTurns: count, stormMessages: count, stormTurns: count }),
    deliveries: forms,
    refusals: z.object(causes).describe('sends refused (chart, cap), agent-turns with work not called (budget, ceiling, breaker, intervention, activation) and calls whose answer was refused as too large (answer), by cause'),
    refusalsByTurn: z.array(z.object({ turn: count, ...causes })),
    activation: z
      .array(
        z.object({
          rule: z.int().min(1),
          match: z.string(),
          governed: count,
          drawn: count,
          agentsDrawn: count.optional().describe('the distinct agents it drew over the turns; absent: unknown (turns recorded before lemming kept the names)'),
          neverDrawn: z.array(z.string()).optional().describe('the agents with work it governed and never drew over the turns; absent: unknown'),
        }),
      )
      .describe('each engine.activation rule that governed an agent with work: how many, how many it drew, and which agents it never drew'),
    reach: z.array(z.object({ turn: count, reached: count })).describe('agents (the person left out) a delivery had reached by the end of each turn'),
    agents: z.array(
      z.object({ agent: z.string(), reports: z.array(z.string()), messagesIn: count, messagesOut: count, turnsActive: count, credits: z.number().min(0) }),
    ),
    edges: z.object({
      used: z.array(pair.extend({ messages: count.describe('deliveries along the edge, every form'), forms, onChart: z.boolean().describe("the chart has this edge; a list's post or a meeting's speech needs none") })),
      unused: z.array(pair).optional(),
      permitted: count.optional(),
    }),
    requests: z.array(
      z.object({
        id: z.string(),
        to: z.string(),
        turn: count,
        subject: z.string().optional(),
        answer: z.object({ id: z.string(), from: z.string(), turn: count }).optional(),
        path: z.array(z.string()),
        hops: count,
        turns: count,
        credits: z.number().min(0),
        heldLongest: z.object({ agent: z.string(), turns: count }).optional(),
      }),
    ),
    unanswered: z.array(
      z.object({
        id: z.string(),
        to: z.string(),
        turn: count,
        subject: z.string().optional(),
        openTurns: count,
        waitingOn: z.array(z.object({ agent: z.string(), since: count, message: z.string() })),
      }),
    ),
    bottlenecks: z.array(waited).describe('agents whose mail waited unread in turns they were called in; `held` counts the turns it was held, by cause, and `unrecorded` those it was not called in with no record of why'),
    heldWithMail: z.array(waited).describe('agents whose mail waited long only because they were not called; `held` counts those turns by cause, and `unrecorded` those no record explains'),
    failures: z.object({
      pingPongs: z.array(z.object({ agents: z.tuple([z.string(), z.string()]), messages: count, fromTurn: count, toTurn: count, ids: z.array(z.string()) })),
      repeatedMessages: z.array(z.object({ from: z.string(), to: z.array(z.string()), count, turns: z.array(count), ids: z.array(z.string()), preview: z.string() })),
      silentMembers: z.array(z.object({ agent: z.string(), received: count, since: count })),
      escalationStorms: z.array(z.object({ to: z.string(), messages: count, fromTurn: count, toTurn: count, from: z.array(z.string()) })),
    }),
    mast: z
      .array(z.object({ code: z.string(), name: z.string(), category: z.string(), detectable: z.boolean(), findings: count, present: z.boolean(), from: z.array(z.string()) }))
      .describe("every MAST failure mode (Cemri et al. 2025) with the findings that are instances of it"),
    provenance: provenanceSchema.optional(),
  })
  .meta({ id: 'OrgAnalysis' });

// The engine's type and this schema say the same: a field added to one and not the other does not compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const analysisMatches: Same<z.output<typeof analysisSchema>, OrgAnalysis> = true;
