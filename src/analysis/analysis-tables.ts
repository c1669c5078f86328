import { column, type ReportTable } from '../tables/report-table.js';
import type { OrgAnalysis } from './org-analysis.js';

/**
 * `lemming analyze`'s tables: `agents` (one row per agent: span of control and load), `edges` (one
 * row per directed edge a message was written along), `requests` (one row per request of the
 * person's: its path to the answer) and `mast` (one row per MAST failure mode: findings). Pure.
 */
export function analysisTables(analysis: OrgAnalysis): ReportTable[] {
  return [
    {
      name: 'agents',
      columns: [
        column('agent', 'string', '', 'the agent'),
        column('reports', 'integer', 'agents', 'span of control: the agents that report to it'),
        column('messages_in', 'integer', 'messages', 'messages it was sent that the chart let through'),
        column('messages_out', 'integer', 'messages', 'messages it wrote (whatever became of them)'),
        column('turns_active', 'integer', 'turns', 'turns its model was called in'),
        column('credits', 'number', 'credits', 'what its calls were charged'),
      ],
      rows: analysis.agents.map((agent) => ({ agent: agent.agent, reports: agent.reports.length, messages_in: agent.messagesIn, messages_out: agent.messagesOut, turns_active: agent.turnsActive, credits: agent.credits })),
    },
    {
      name: 'edges',
      columns: [
        column('from', 'string', '', 'the sender'),
        column('to', 'string', '', 'the recipient'),
        column('messages', 'integer', 'messages', 'messages written along the edge'),
        column('permitted', 'boolean', '', 'the chart lets messages through here (false: every one was refused)'),
      ],
      rows: analysis.edges.used.map((edge) => ({ from: edge.from, to: edge.to, messages: edge.messages, permitted: edge.permitted })),
    },
    {
      name: 'requests',
      columns: [
        column('id', 'string', '', "the request's message id"),
        column('to', 'string', '', 'the agent the person sent it to'),
        column('turn', 'integer', 'turn', 'the turn it was sent in'),
        column('answered', 'boolean', '', 'an answer of its thread reached the person'),
        column('answered_by', 'string', '', 'who wrote the answer; empty when unanswered'),
        column('hops', 'integer', 'messages', 'messages along its path to the answer, the request and the answer included'),
        column('turns', 'integer', 'turns', 'turns from the request to its answer'),
        column('credits', 'number', 'credits', "what the calls that wrote its thread's messages up to the answer cost"),
        column('path', 'string', '', 'the agents it went through, in order, separated by " > "'),
      ],
      rows: analysis.requests.map((request) => ({
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
  ];
}
