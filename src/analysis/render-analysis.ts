import { formatCount, showCredits } from '../format/format.js';
import { findingCount, type OrgAnalysis } from './analyze-org.js';
import { mastCodes, type FindingKind } from './failures/mast.js';
import { CAUSE_SETTINGS, CAUSE_UNITS, CAUSE_WORDS, DELIVERY_FORMS, FORM_WORDS, REFUSAL_CAUSES } from '../format/mail-outcomes.js';
import type { ReachAtTurn, UnansweredRequest } from './org-analysis.js';
import { renderProvenance } from '../provenance/report-provenance.js';

/** ` (MAST FM-1.3, FM-1.5)` after a finding that is an instance of MAST modes; nothing for one that is not. */
function mast(kind: FindingKind): string {
  const codes = mastCodes(kind);
  return codes === '' ? '' : ` (MAST ${codes})`;
}

/** Rows past this in a table are counted, not listed: the JSON has them all. */
const MAX_ROWS = 20;

/** Findings of one kind past this are counted or grouped, not listed one a line: the JSON has them all. */
const MAX_FINDINGS = 10;

/**
 * A finding's lines, one an item; past MAX_FINDINGS, the first in `order` (stable; as found when
 * absent) and a line counting the rest.
 */
function listed<T>(kind: string, items: readonly T[], line: (item: T) => string, order?: (a: T, b: T) => number): string[] {
  if (items.length <= MAX_FINDINGS) return items.map(line);
  const shown = (order ? [...items].sort(order) : items).slice(0, MAX_FINDINGS);
  return [...shown.map(line), `- … ${formatCount(items.length - MAX_FINDINGS)} more ${kind} (every one in --json)`];
}

/** `3`, or `1–4`: the least and the most of some counts. */
function range(values: readonly number[]): string {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? `${low}` : `${low}–${high}`;
}

/**
 * Requests no answer has reached: one line each when they are few; when many (an org whose agents
 * activation, credits or a ceiling held), one line that counts them and a line per agent they were
 * sent to, the agents holding the most first, with the first ids of each.
 */
function unansweredLines(analysis: OrgAnalysis): string[] {
  const { unanswered } = analysis;
  if (unanswered.length <= MAX_FINDINGS) {
    return unanswered.map((item) => {
      const waiting = item.waitingOn.map((entry) => `${entry.agent} since turn ${entry.since}`).join(', ') || 'nobody holds it';
      return `- **Unanswered request** ${item.id} to ${item.to} (turn ${item.turn}${item.subject ? `, "${item.subject}"` : ''}): open ${item.openTurns} turn(s); waiting on ${waiting}${mast('unanswered')}`;
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
  const lines = [
    `- **Unanswered requests**: ${formatCount(unanswered.length)} of ${formatCount(unanswered.length + analysis.requests.length)}, to ${formatCount(byAgent.size)} agents, sent in turn(s) ${sent}, open ${range(unanswered.map((item) => item.openTurns))} turn(s)${mast('unanswered')}; by the agent each was sent to, the most first (every one in --json and the CSV's requests table):`,
  ];
  for (const group of shown) {
    const ids = group.slice(0, 3).map((item) => item.id).join(', ') + (group.length > 3 ? ', …' : '');
    const since = new Map<string, number>();
    for (const entry of group.flatMap((item) => item.waitingOn)) since.set(entry.agent, Math.min(entry.since, since.get(entry.agent) ?? entry.since));
    const holders = [...since].slice(0, 3).map(([agent, turn]) => `${agent} since turn ${turn}`).join(', ') + (since.size > 3 ? `, ${formatCount(since.size - 3)} more` : '');
    lines.push(`  - ${group[0]!.to}: ${formatCount(group.length)} (${ids}); waiting on ${holders || 'nobody holds them'}`);
  }
  const rest = unanswered.length - shown.reduce((sum, group) => sum + group.length, 0);
  if (groups.length > shown.length) lines.push(`  - … ${formatCount(groups.length - shown.length)} more agents, ${formatCount(rest)} requests`);
  return lines;
}

/** How many of the messages the human seats wrote: `1 of them the person's`; with several seats each one's, `3 of them people's: human 1, reviewer 2`. */
function seatsWrote(analysis: OrgAnalysis): string {
  const seats = Object.entries(analysis.personMessagesBySeat ?? {});
  if (seats.length > 1) {
    const each = seats.map(([seat, count]) => `${seat} ${formatCount(count)}`).join(', ');
    return analysis.personMessages === 0 ? `none of them people's (${each})` : `${formatCount(analysis.personMessages)} of them people's: ${each}`;
  }
  return analysis.personMessages === 0 ? "none of them the person's" : `${formatCount(analysis.personMessages)} of them the person's`;
}

/**
 * The analysis as markdown, for `lemming analyze` and a section of an experiment's report:
 * findings first (what a person should look at), then load per agent, what became of the mail
 * (readers by form, refusals by cause, reach by turn), edges, and each request's path. `heading` is the level of its top heading (`##` in a report, `#` alone). Pure.
 */
export function renderAnalysis(analysis: OrgAnalysis, heading = '#'): string {
  const sub = `${heading}#`;
  // Said beside the count: an experiment's `messages` counts only the agents', and the two are read side by side.
  const lines: string[] = [`${heading} Analysis of ${analysis.org} (turn ${analysis.turn}, ${formatCount(analysis.messages)} messages, ${seatsWrote(analysis)})`, ''];
  const { failures } = analysis;
  lines.push(`${sub} Findings`, '');
  if (findingCount(analysis) === 0) lines.push('No bottleneck, unanswered request, ping-pong, repetition, silent member or escalation storm.');
  lines.push(...unansweredLines(analysis));
  lines.push(
    ...listed('bottlenecks', analysis.bottlenecks, (item) => `- **Bottleneck** ${item.agent}: mail waited up to ${item.longestWait} turn(s) unread (${item.message}); mail waiting in ${item.turnsWithMailWaiting} turn(s); ${item.stillWaiting} still unread`, (a, b) => b.longestWait - a.longestWait || b.stillWaiting - a.stillWaiting),
    ...listed('ping-pongs', failures.pingPongs, (item) => `- **Ping-pong** ${item.agents[0]} ⇄ ${item.agents[1]}: ${item.messages} messages back and forth in turns ${item.fromTurn}–${item.toTurn}, nothing else done (${item.ids[0]} …)${mast('pingPongs')}`),
    ...listed('repeated messages', failures.repeatedMessages, (item) => `- **Repeated message** from ${item.from} to ${item.to.join(', ')}: the same body ${item.count} times in turns ${item.turns.join(', ')} ("${item.preview}")${mast('repeatedMessages')}`),
    ...listed('members who never answer', failures.silentMembers, (item) => `- **Never answers** ${item.agent}: ${item.received} message(s) to read since turn ${item.since}, none written${mast('silentMembers')}`, (a, b) => b.received - a.received),
    ...listed('escalation storms', failures.escalationStorms, (item) => `- **Escalation storm** at ${item.to}: ${item.messages} high or urgent messages from ${item.from.join(', ')} in turns ${item.fromTurn}–${item.toTurn}`),
  );
  lines.push('', ...mastSection(analysis, sub));
  lines.push('', `${sub} Load per agent`, '', '| agent | reports | in | out | turns active | credits |', '|---|---:|---:|---:|---:|---:|');
  for (const agent of analysis.agents) {
    lines.push(`| ${agent.agent} | ${agent.reports.length} | ${agent.messagesIn} | ${agent.messagesOut} | ${agent.turnsActive} | ${showCredits(agent.credits)} |`);
  }
  lines.push('', ...mailSection(analysis, sub));
  lines.push('', `${sub} Deliveries per edge`, '', `| from | to | deliveries | ${DELIVERY_FORMS.map((form) => FORM_WORDS[form]).join(' | ')} | on the chart |`, `|---|---|---:|${DELIVERY_FORMS.map(() => '---:|').join('')}---|`);
  for (const edge of analysis.edges.used.slice(0, MAX_ROWS)) lines.push(`| ${edge.from} | ${edge.to} | ${edge.messages} | ${DELIVERY_FORMS.map((form) => edge.forms[form]).join(' | ')} | ${edge.onChart ? 'yes' : 'no'} |`);
  if (analysis.edges.used.length > MAX_ROWS) lines.push(`| … | … | ${analysis.edges.used.length - MAX_ROWS} more edges |${DELIVERY_FORMS.map(() => ' |').join('')} |`);
  const { unused } = analysis.edges;
  if (unused === undefined) lines.push('', 'The chart permits too many edges to list the unused ones.');
  else if (unused.length > 0) {
    const shown = unused.slice(0, MAX_ROWS).map((edge) => `${edge.from} → ${edge.to}`);
    lines.push('', `Never used (${unused.length} of ${analysis.edges.permitted ?? unused.length} permitted): ${shown.join(', ')}${unused.length > MAX_ROWS ? ', …' : ''}`);
  }
  lines.push('', `${sub} Requests and their answers`, '');
  if (analysis.requests.length === 0) lines.push('No request has been answered yet.');
  else {
    lines.push('| request | path | hops | turns | credits | held longest |', '|---|---|---:|---:|---:|---|');
    for (const request of analysis.requests.slice(0, MAX_ROWS)) {
      const held = request.heldLongest ? `${request.heldLongest.agent} (${request.heldLongest.turns} turn(s))` : '';
      lines.push(`| ${request.id} | ${request.path.join(' → ')} | ${request.hops} | ${request.turns} | ${showCredits(request.credits)} | ${held} |`);
    }
    if (analysis.requests.length > MAX_ROWS) lines.push(`| … ${analysis.requests.length - MAX_ROWS} more | | | | | |`);
  }
  if (analysis.provenance) lines.push('', ...renderProvenance(analysis.provenance, sub).slice(0, -1));
  return `${lines.join('\n')}\n`;
}

/**
 * What became of the org's mail: its readers by form, the sends refused and the agents with work not
 * called by cause (turn by turn), activation's draws by rule, and how far the mail had reached by each turn.
 */
function mailSection(analysis: OrgAnalysis, sub: string): string[] {
  const readers = DELIVERY_FORMS.reduce((sum, form) => sum + analysis.deliveries[form], 0);
  const lines = [`${sub} Deliveries, refusals and reach`, '', `${formatCount(readers)} reader(s) reached: ${DELIVERY_FORMS.map((form) => `${formatCount(analysis.deliveries[form])} ${FORM_WORDS[form]}`).join(', ')}.`, ''];
  lines.push('| cause | refused | counted in | set in |', '|---|---:|---|---|');
  for (const cause of REFUSAL_CAUSES) lines.push(`| ${CAUSE_WORDS[cause]} | ${formatCount(analysis.refusals[cause])} | ${CAUSE_UNITS[cause]} | ${CAUSE_SETTINGS[cause]} |`);
  if (analysis.refusalsByTurn.length > 0) {
    lines.push('', `| turn | ${REFUSAL_CAUSES.join(' | ')} |`, `|---:|${REFUSAL_CAUSES.map(() => '---:|').join('')}`);
    for (const turn of analysis.refusalsByTurn.slice(0, MAX_ROWS)) lines.push(`| ${turn.turn} | ${REFUSAL_CAUSES.map((cause) => turn[cause]).join(' | ')} |`);
    if (analysis.refusalsByTurn.length > MAX_ROWS) lines.push(`| … ${analysis.refusalsByTurn.length - MAX_ROWS} more turns |${REFUSAL_CAUSES.map(() => ' |').join('')}`);
  }
  if (analysis.activation.length > 0) {
    lines.push('', 'Activation (org.yaml engine.activation), each rule over the turns:', '', '| rule | match | with work | drawn | not drawn |', '|---:|---|---:|---:|---:|');
    for (const rule of analysis.activation) lines.push(`| ${rule.rule} | ${rule.match} | ${rule.governed} | ${rule.drawn} | ${rule.governed - rule.drawn} |`);
  }
  if (analysis.reach.length > 0) {
    const shown = analysis.reach.length > MAX_ROWS ? [...analysis.reach.slice(0, MAX_ROWS - 1), analysis.reach.at(-1) as ReachAtTurn] : analysis.reach;
    lines.push('', 'Reach: agents (the person left out) a delivery had reached by the end of each turn.', '', '| turn | agents reached |', '|---:|---:|');
    for (const turn of shown) lines.push(`| ${turn.turn} | ${formatCount(turn.reached)} |`);
  }
  return lines;
}

/**
 * The findings as MAST's failure modes (src/analysis/failures/mast.ts): each mode lemming can find,
 * with how many findings are instances of it, then what it cannot find from files.
 */
function mastSection(analysis: OrgAnalysis, sub: string): string[] {
  const lines = [`${sub} MAST failure modes`, '', '| MAST mode | category | findings | from |', '|---|---|---:|---|'];
  const detectable = analysis.mast.filter((mode) => mode.detectable);
  for (const mode of detectable) lines.push(`| ${mode.code} ${mode.name} | ${mode.category} | ${mode.findings} | ${mode.from.join(', ') || '–'} |`);
  const hidden = analysis.mast.filter((mode) => !mode.detectable).map((mode) => mode.code);
  lines.push('', `Bottlenecks and escalation storms are the organisation's load, not a MAST mode; ${hidden.join(', ')} need the task's meaning or an agent's reasoning, which the files do not show (Cemri et al. 2025, arXiv:2503.13657). The findings are lemming's rules, held to examples; how far they agree with MAST's annotators is not measured (no annotated trace scored).`);
  return lines;
}
