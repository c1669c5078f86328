import { column, CREDITS_UNIT, type ReportTable } from '../tables/report-table.js';
import type { OrgAnalysis } from './org-analysis.js';
import { CAUSE_WORDS, DELIVERY_FORMS, REFUSAL_CAUSES, type DeliveryForm } from '../format/mail-outcomes.js';
import { provenanceTables } from '../provenance/provenance-table.js';

/** Each form of delivery as a column's meaning says it. */
const FORM_MEANINGS: Record<DeliveryForm, string> = {
  direct: 'messages to this reader alone',
  to: 'messages to several, this reader one of `to:`',
  cc: 'copies (`cc:`)',
  list: "posts to a mailing list this reader is a member of",
  meeting: "speeches heard in a meeting",
};

/**
 * `lemming analyze`'s tables: `agents` (one row per agent: span of control and load), `edges` (one
 * row per directed edge a delivery went along, by form), `refusals` (one row per turn and cause),
 * `reach` (one row per turn), `activation` (one row per rule), `requests` (one row per request of
 * the person's: its path to the answer, or unanswered) and `mast` (one row per MAST failure mode: findings). Pure.
 */
export function analysisTables(analysis: OrgAnalysis): ReportTable[] {
  return [
    {
      name: 'agents',
      columns: [
        column('agent', 'string', '', 'the agent'),
        column('reports', 'integer', 'agents', 'span of control: the agents that report to it'),
        column('messages_in', 'integer', 'deliveries', 'deliveries it received, every form: a message, a copy, a list post, a speech heard in a meeting'),
        column('messages_out', 'integer', 'messages', 'messages it wrote (whatever became of them)'),
        column('turns_active', 'integer', 'turns', 'turns its model was called in'),
        column('credits', 'number', CREDITS_UNIT, 'what its calls were charged'),
      ],
      rows: analysis.agents.map((agent) => ({ agent: agent.agent, reports: agent.reports.length, messages_in: agent.messagesIn, messages_out: agent.messagesOut, turns_active: agent.turnsActive, credits: agent.credits })),
    },
    {
      name: 'edges',
      columns: [
        column('from', 'string', '', 'the sender (the speaker, for a meeting)'),
        column('to', 'string', '', 'the reader (the hearer, for a meeting)'),
        column('messages', 'integer', 'deliveries', 'deliveries along the edge, every form: a message to k people is one on each of its k edges, a speech one to each attendee who heard it'),
        ...DELIVERY_FORMS.map((form) => column(`via_${form}`, 'integer', 'deliveries', `of them, ${FORM_MEANINGS[form]}`)),
        column('on_chart', 'boolean', '', "the chart has this edge (the sender's send_to and the reader's read_from); a list's post or a meeting's speech needs none (false is no refusal)"),
      ],
      rows: analysis.edges.used.map((edge) => ({
        from: edge.from,
        to: edge.to,
        messages: edge.messages,
        ...Object.fromEntries(DELIVERY_FORMS.map((form) => [`via_${form}`, edge.forms[form]])),
        on_chart: edge.onChart,
      })),
    },
    {
      name: 'refusals',
      columns: [
        column('turn', 'integer', 'turn', 'the turn'),
        column('cause', 'string', '', `why: ${REFUSAL_CAUSES.map((cause) => `${cause} (${CAUSE_WORDS[cause]})`).join(', ')}`),
        column('count', 'integer', 'sends or agent-turns', 'sends refused (chart, cap), agents with work not called (budget, ceiling, breaker, activation) or called and their answer refused as too large (answer) in the turn for the cause'),
      ],
      rows: analysis.refusalsByTurn.flatMap((turn) => REFUSAL_CAUSES.filter((cause) => turn[cause] > 0).map((cause) => ({ turn: turn.turn, cause, count: turn[cause] }))),
    },
    {
      name: 'reach',
      columns: [column('turn', 'integer', 'turn', 'the turn'), column('reached', 'integer', 'agents', 'agents (the person left out) a delivery of any form had reached by the end of the turn')],
      rows: analysis.reach.map((turn) => ({ turn: turn.turn, reached: turn.reached })),
    },
    {
      name: 'activation',
      columns: [
        column('rule', 'integer', '', "the rule's place in org.yaml engine.activation.rules, from 1"),
        column('match', 'string', '', 'its match, as org.yaml says it now'),
        column('governed', 'integer', 'agent-turns', 'agents with work it governed, summed over the turns'),
        column('drawn', 'integer', 'agent-turns', 'of them, those it drew: they acted'),
        column('agents_drawn', 'integer', 'agents', 'the distinct agents it drew over the turns; empty: unknown (turns recorded before lemming kept the names)'),
        column('agents_never_drawn', 'integer', 'agents', 'the agents with work it governed and never drew over the turns; empty: unknown, as for agents_drawn'),
      ],
      rows: analysis.activation.map((rule) => ({ rule: rule.rule, match: rule.match, governed: rule.governed, drawn: rule.drawn, agents_drawn: rule.agentsDrawn, agents_never_drawn: rule.neverDrawn?.length })),
    },
    {
      name: 'requests',
      columns: [
        column('id', 'string', '', "the request's message id"),
        column('to', 'string', '', 'the agent the person sent it to'),
        column('turn', 'integer', 'turn', 'the turn it was sent in'),
        column('answered', 'boolean', '', 'an answer of its thread reached the person'),
        column('answered_by', 'string', '', 'who wrote the answer; empty when unanswered'),
        column('hops', 'integer', 'messages', 'messages along its path to the answer, the request and the answer included; empty when unanswered'),
        column('turns', 'integer', 'turns', 'turns from the request to its answer; empty when unanswered'),
        column('credits', 'number', CREDITS_UNIT, "what the calls that wrote a message of its thread or were shown one cost, each once, by the ledger (as `lemming requests` counts them); empty when unanswered"),
        column('path', 'string', '', 'the agents it went through, in order, separated by " > "'),
      ],
      rows: [
        ...analysis.requests.map((request) => ({
          id: request.id,
          to: request.to,
          turn: request.turn,
          answered: request.answer !== undefined,
          answered_by: request.answer?.from,
          hops: request.hops,
          turns: request.turns,
          credits: request.credits,
          path: request.path.join(' > '),
        })),
        // One no answer has reached (the text report groups them): no answer's path, hops, turns or credits to give.
        ...analysis.unanswered.map((request) => ({ id: request.id, to: request.to, turn: request.turn, answered: false })),
      ],
    },
    {
      name: 'mast',
      columns: [
        column('code', 'string', '', "the failure mode's number in MAST (Cemri et al. 2025)"),
        column('name', 'string', '', "the failure mode's name"),
        column('category', 'string', '', 'its category: specification issues, inter-agent misalignment or task verification'),
        column('detectable', 'boolean', '', "some finding lemming makes is an instance of it (false: an org's files cannot show it)"),
        column('findings', 'integer', 'findings', 'findings of this analysis that are instances of it'),
        column('present', 'boolean', '', 'at least one finding: the run has the mode, as MAST counts a trace'),
      ],
      rows: analysis.mast.map((mode) => ({ code: mode.code, name: mode.name, category: mode.category, detectable: mode.detectable, findings: mode.findings, present: mode.present })),
    },
    ...provenanceTables(analysis.provenance),
  ];
}
