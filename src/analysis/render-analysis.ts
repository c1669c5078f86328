import { formatCount, showCredits } from '../format/format.js';
import { findingCount, type OrgAnalysis } from './analyze-org.js';
import { mastCodes, type FindingKind } from './failures/mast.js';

/** ` (MAST FM-1.3, FM-1.5)` after a finding that is an instance of MAST modes; nothing for one that is not. */
function mast(kind: FindingKind): string {
  const codes = mastCodes(kind);
  return codes === '' ? '' : ` (MAST ${codes})`;
}

/** Rows past this in a table are counted, not listed: the JSON has them all. */
const MAX_ROWS = 20;

/**
 * The analysis as markdown, for `lemming analyze` and a section of an experiment's report:
 * findings first (what a person should look at), then load per agent, edges, and each request's
 * path. `heading` is the level of its top heading (`##` in a report, `#` alone). Pure.
 */
export function renderAnalysis(analysis: OrgAnalysis, heading = '#'): string {
  const sub = `${heading}#`;
  const lines: string[] = [`${heading} Analysis of ${analysis.org} (turn ${analysis.turn}, ${formatCount(analysis.messages)} messages)`, ''];
  const { failures } = analysis;
  lines.push(`${sub} Findings`, '');
  if (findingCount(analysis) === 0) lines.push('No bottleneck, unanswered request, ping-pong, repetition, silent member or escalation storm.');
  for (const item of analysis.unanswered) {
    const waiting = item.waitingOn.map((entry) => `${entry.agent} since turn ${entry.since}`).join(', ') || 'nobody holds it';
    lines.push(`- **Unanswered request** ${item.id} to ${item.to} (turn ${item.turn}${item.subject ? `, "${item.subject}"` : ''}): open ${item.openTurns} turn(s); waiting on ${waiting}${mast('unanswered')}`);
  }
  for (const item of analysis.bottlenecks) {
    lines.push(`- **Bottleneck** ${item.agent}: mail waited up to ${item.longestWait} turn(s) unread (${item.message}); mail waiting in ${item.turnsWithMailWaiting} turn(s); ${item.stillWaiting} still unread`);
  }
  for (const item of failures.pingPongs) {
    lines.push(`- **Ping-pong** ${item.agents[0]} ⇄ ${item.agents[1]}: ${item.messages} messages back and forth in turns ${item.fromTurn}–${item.toTurn}, nothing else done (${item.ids[0]} …)${mast('pingPongs')}`);
  }
  for (const item of failures.repeatedMessages) {
    lines.push(`- **Repeated message** from ${item.from} to ${item.to.join(', ')}: the same body ${item.count} times in turns ${item.turns.join(', ')} ("${item.preview}")${mast('repeatedMessages')}`);
  }
  for (const item of failures.silentMembers) lines.push(`- **Never answers** ${item.agent}: ${item.received} message(s) to read since turn ${item.since}, none written${mast('silentMembers')}`);
  for (const item of failures.escalationStorms) {
    lines.push(`- **Escalation storm** at ${item.to}: ${item.messages} high or urgent messages from ${item.from.join(', ')} in turns ${item.fromTurn}–${item.toTurn}`);
  }
  lines.push('', ...mastSection(analysis, sub));
  lines.push('', `${sub} Load per agent`, '', '| agent | reports | in | out | turns active | credits |', '|---|---:|---:|---:|---:|---:|');
  for (const agent of analysis.agents) {
    lines.push(`| ${agent.agent} | ${agent.reports.length} | ${agent.messagesIn} | ${agent.messagesOut} | ${agent.turnsActive} | ${showCredits(agent.credits)} |`);
  }
  lines.push('', `${sub} Messages per edge`, '', '| from | to | messages |', '|---|---|---:|');
  for (const edge of analysis.edges.used.slice(0, MAX_ROWS)) lines.push(`| ${edge.from} | ${edge.to} | ${edge.messages}${edge.permitted ? '' : ' (refused: not on the chart)'} |`);
  if (analysis.edges.used.length > MAX_ROWS) lines.push(`| … | … | ${analysis.edges.used.length - MAX_ROWS} more edges |`);
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
  return `${lines.join('\n')}\n`;
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
