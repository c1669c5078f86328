import { formatCount } from '../format/format.js';
import { mastCodes, type FindingKind } from './failures/mast.js';
import { CAUSE_WORDS, HOLD_CAUSES } from '../format/mail-outcomes.js';
import type { Bottleneck, OrgAnalysis, UnansweredRequest } from './org-analysis.js';

/**
 * One line of an analysis's findings, as `lemming analyze` prints it and the dashboard's Analysis tab
 * draws it: its kind (in bold), then `text`, which carries the space or colon that joins them; a line
 * with no kind counts what is not listed; `under` are lines under it (a group's agents).
 */
export interface FindingLine {
  kind?: string;
  text: string;
  under: string[];
}

/** Where a reader finds every finding the lines leave out: `--json` for the CLI, the API for the page. */
export interface EveryOneIn {
  /** Every finding of a kind (`--json`). */
  findings: string;
  /** Every request, answered or not (`--json and the CSV's requests table`). */
  requests: string;
}

/** Findings of one kind past this are counted or grouped, not listed one a line. */
export const MAX_FINDINGS = 10;

/** Turns an agent was not called in with no record of why (Bottleneck.unrecorded), in the findings' words. */
const UNRECORDED_WORDS = 'not called, no record says why';

/** ` (MAST FM-1.3, FM-1.5)` after a finding that is an instance of MAST modes; nothing for one that is not. */
function mast(kind: FindingKind): string {
  const codes = mastCodes(kind);
  return codes === '' ? '' : ` (MAST ${codes})`;
}

/** `3`, or `1–4`: the least and the most of some counts. */
function range(values: readonly number[]): string {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? `${low}` : `${low}–${high}`;
}

/**
 * `not drawn by activation 2 turn(s), out of credits 1 turn(s)`: the turns an agent's mail waited while
 * it was not called, in the refusals table's words, and last those no record explains.
 */
function heldWords({ held, unrecorded }: Bottleneck): string {
  const causes = HOLD_CAUSES.filter((cause) => (held[cause] ?? 0) > 0).map((cause) => `${CAUSE_WORDS[cause]} ${formatCount(held[cause] ?? 0)} turn(s)`);
  if (unrecorded !== undefined && unrecorded > 0) causes.push(`${UNRECORDED_WORDS} ${formatCount(unrecorded)} turn(s)`);
  return causes.join(', ');
}

/**
 * The findings of an analysis, a few lines each kind however large the org: past MAX_FINDINGS of a
 * kind, the first in `order` and a line counting the rest; many unanswered requests grouped by the
 * agent each was sent to. Both `lemming analyze` and the dashboard draw these lines. Pure.
 */
export function findingLines(analysis: OrgAnalysis, everyOneIn: EveryOneIn): FindingLine[] {
  const { failures } = analysis;
  const listed = <T>(kind: string, plural: string, items: readonly T[], text: (item: T) => string, order?: (a: T, b: T) => number): FindingLine[] => {
    const line = (item: T): FindingLine => ({ kind, text: ` ${text(item)}`, under: [] });
    if (items.length <= MAX_FINDINGS) return items.map(line);
    const shown = (order ? [...items].sort(order) : items).slice(0, MAX_FINDINGS);
    return [...shown.map(line), { text: `… ${formatCount(items.length - MAX_FINDINGS)} more ${plural} (every one in ${everyOneIn.findings})`, under: [] }];
  };
  return [
    ...unansweredLines(analysis, everyOneIn),
    ...listed('Bottleneck', 'bottlenecks', analysis.bottlenecks, (item) => `${item.agent}: mail waited up to ${item.longestWait} turn(s) unread (${item.message}); mail waiting in ${item.turnsWithMailWaiting} turn(s)${heldWords(item) === '' ? '' : `, of them held: ${heldWords(item)}`}; ${item.stillWaiting} still unread`, (a, b) => b.longestWait - a.longestWait || b.stillWaiting - a.stillWaiting),
    ...listed('Held with mail', 'agents held with mail', analysis.heldWithMail, (item) => `${item.agent}: mail waited up to ${item.longestWait} turn(s) unread (${item.message}), held while it waited: ${heldWords(item)}; ${item.stillWaiting} still unread`, (a, b) => b.longestWait - a.longestWait || b.stillWaiting - a.stillWaiting),
    ...listed('Ping-pong', 'ping-pongs', failures.pingPongs, (item) => `${item.agents[0]} ⇄ ${item.agents[1]}: ${item.messages} messages back and forth in turns ${item.fromTurn}–${item.toTurn}, nothing else done (${item.ids[0]} …)${mast('pingPongs')}`),
    ...listed('Repeated message', 'repeated messages', failures.repeatedMessages, (item) => `from ${item.from} to ${item.to.join(', ')}: the same body ${item.count} times in turns ${item.turns.join(', ')} ("${item.preview}")${mast('repeatedMessages')}`),
    ...listed('Never answers', 'members who never answer', failures.silentMembers, (item) => `${item.agent}: ${item.received} message(s) to read since turn ${item.since}, none written${mast('silentMembers')}`, (a, b) => b.received - a.received),
    ...listed('Escalation storm', 'escalation storms', failures.escalationStorms, (item) => `at ${item.to}: ${item.messages} high or urgent messages from ${item.from.join(', ')} in turns ${item.fromTurn}–${item.toTurn}`),
  ];
}

/**
 * Requests no answer has reached: one line each when they are few; when many (an org whose agents
 * activation, credits or a ceiling held), one line that counts them and a line per agent they were
 * sent to, the agents holding the most first, with the first ids of each.
 */
function unansweredLines(analysis: OrgAnalysis, everyOneIn: EveryOneIn): FindingLine[] {
  const { unanswered } = analysis;
  if (unanswered.length <= MAX_FINDINGS) {
    return unanswered.map((item) => {
      const waiting = item.waitingOn.map((entry) => `${entry.agent} since turn ${entry.since}`).join(', ') || 'nobody holds it';
      return { kind: 'Unanswered request', text: ` ${item.id} to ${item.to} (turn ${item.turn}${item.subject ? `, "${item.subject}"` : ''}): open ${item.openTurns} turn(s); waiting on ${waiting}${mast('unanswered')}`, under: [] };
    });
  }
  const byAgent = new Map<string, UnansweredRequest[]>();
  for (const item of unanswered) {
    const group = byAgent.get(item.to);
    if (group) group.push(item);
    else byAgent.set(item.to, [item]);
  }
  const groups = [...byAgent.values()].sort((a, b) => b.length - a.length);
  const shown = groups.slice(0, MAX_FINDINGS);
  const sent = range(unanswered.map((item) => item.turn));
  const under = shown.map((group) => {
    const ids = group.slice(0, 3).map((item) => item.id).join(', ') + (group.length > 3 ? ', …' : '');
    const since = new Map<string, number>();
    for (const entry of group.flatMap((item) => item.waitingOn)) since.set(entry.agent, Math.min(entry.since, since.get(entry.agent) ?? entry.since));
    const holders = [...since].slice(0, 3).map(([agent, turn]) => `${agent} since turn ${turn}`).join(', ') + (since.size > 3 ? `, ${formatCount(since.size - 3)} more` : '');
    return `${group[0]!.to}: ${formatCount(group.length)} (${ids}); waiting on ${holders || 'nobody holds them'}`;
  });
  const rest = unanswered.length - shown.reduce((sum, group) => sum + group.length, 0);
  if (groups.length > shown.length) under.push(`… ${formatCount(groups.length - shown.length)} more agents, ${formatCount(rest)} requests`);
  const text = `: ${formatCount(unanswered.length)} of ${formatCount(unanswered.length + analysis.requests.length)}, to ${formatCount(byAgent.size)} agents, sent in turn(s) ${sent}, open ${range(unanswered.map((item) => item.openTurns))} turn(s)${mast('unanswered')}; by the agent each was sent to, the most first (every one in ${everyOneIn.requests}):`;
  return [{ kind: 'Unanswered requests', text, under }];
}
