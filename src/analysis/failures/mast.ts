import type { MastMode, MastModeCount, OrgAnalysis } from '../org-analysis.js';

/**
 * MAST, the Multi-Agent System Failure Taxonomy (Cemri, Pan, Yang et al., "Why Do Multi-Agent
 * LLM Systems Fail?", 2025, arXiv:2503.13657): 14 failure modes in 3 categories, as the paper
 * numbers and names them. `lemming analyze` finds some of them in an org's files; each of its
 * structural findings is mapped here to the modes it is an instance of, counted as MAST counts a
 * mode (once per trace: here, once per run). The detectors are rules held to examples; their agreement
 * with MAST's annotators is not measured (no annotated trace scored), so the counts are not MAST's.
 */
export const MAST_MODES: readonly MastMode[] = [
  { code: 'FM-1.1', name: 'Disobey task specification', category: 'Specification issues' },
  { code: 'FM-1.2', name: 'Disobey role specification', category: 'Specification issues' },
  { code: 'FM-1.3', name: 'Step repetition', category: 'Specification issues' },
  { code: 'FM-1.4', name: 'Loss of conversation history', category: 'Specification issues' },
  { code: 'FM-1.5', name: 'Unaware of termination conditions', category: 'Specification issues' },
  { code: 'FM-2.1', name: 'Conversation reset', category: 'Inter-agent misalignment' },
  { code: 'FM-2.2', name: 'Fail to ask for clarification', category: 'Inter-agent misalignment' },
  { code: 'FM-2.3', name: 'Task derailment', category: 'Inter-agent misalignment' },
  { code: 'FM-2.4', name: 'Information withholding', category: 'Inter-agent misalignment' },
  { code: 'FM-2.5', name: "Ignored other agent's input", category: 'Inter-agent misalignment' },
  { code: 'FM-2.6', name: 'Reasoning-action mismatch', category: 'Inter-agent misalignment' },
  { code: 'FM-3.1', name: 'Premature termination', category: 'Task verification' },
  { code: 'FM-3.2', name: 'No or incomplete verification', category: 'Task verification' },
  { code: 'FM-3.3', name: 'Incorrect verification', category: 'Task verification' },
];

/** The kinds of finding `lemming analyze` makes, as its JSON names them. */
export type FindingKind = 'pingPongs' | 'repeatedMessages' | 'silentMembers' | 'unanswered' | 'escalationStorms' | 'bottlenecks';

/**
 * Which MAST modes each finding is an instance of; an empty list: MAST names no such failure.
 * - a ping-pong (two agents writing back and forth, nothing else done) repeats steps (FM-1.3)
 *   and goes on because neither sees the exchange is over (FM-1.5);
 * - a repeated message is a step done again (FM-1.3);
 * - a silent member was written to and never wrote: what it was sent was ignored (FM-2.5), and
 *   what it knew was never passed on (FM-2.4);
 * - an unanswered request in a run that ended: the work stopped before the task was done (FM-3.1);
 * - a bottleneck (mail waiting unread turn after turn) and an escalation storm (many urgent
 *   messages to one manager at once) are the organisation's load, not an agent's failure in
 *   MAST's sense: no mode.
 */
export const MAST_OF_FINDING: Readonly<Record<FindingKind, readonly string[]>> = {
  pingPongs: ['FM-1.3', 'FM-1.5'],
  repeatedMessages: ['FM-1.3'],
  silentMembers: ['FM-2.4', 'FM-2.5'],
  unanswered: ['FM-3.1'],
  bottlenecks: [],
  escalationStorms: [],
};

/** The modes a finding kind is an instance of, as `FM-1.3, FM-1.5` (empty: none). */
export function mastCodes(kind: FindingKind): string {
  return MAST_OF_FINDING[kind].join(', ');
}

/** How many findings of each kind an analysis has. */
function findingsByKind(analysis: Omit<OrgAnalysis, 'mast'>): Record<FindingKind, number> {
  const { failures } = analysis;
  return {
    pingPongs: failures.pingPongs.length,
    repeatedMessages: failures.repeatedMessages.length,
    silentMembers: failures.silentMembers.length,
    unanswered: analysis.unanswered.length,
    bottlenecks: analysis.bottlenecks.length,
    escalationStorms: failures.escalationStorms.length,
  };
}

/**
 * Every MAST mode with the findings of this analysis that are instances of it: `detectable` says
 * whether any finding lemming makes maps to it (the others need the task's meaning or an agent's
 * reasoning, which files of messages do not show), `findings` how many there are, `present`
 * whether there is one (MAST's per-trace count). Pure.
 */
export function mastModes(analysis: Omit<OrgAnalysis, 'mast'>): MastModeCount[] {
  const counts = findingsByKind(analysis);
  const kinds = Object.keys(MAST_OF_FINDING) as FindingKind[];
  return MAST_MODES.map((mode) => {
    const from = kinds.filter((kind) => MAST_OF_FINDING[kind].includes(mode.code));
    const findings = from.reduce((sum, kind) => sum + counts[kind], 0);
    return { ...mode, detectable: from.length > 0, findings, present: findings > 0, from: from.filter((kind) => counts[kind] > 0) };
  });
}
