import { formatCount, showCredits } from '../format/format.js';
import { findingCount, type OrgAnalysis } from './analyze-org.js';
import { findingLines } from './finding-lines.js';
import { CAUSE_SETTINGS, CAUSE_UNITS, CAUSE_WORDS, DELIVERY_FORMS, FORM_WORDS, REFUSAL_CAUSES } from '../format/mail-outcomes.js';
import type { ReachAtTurn } from './org-analysis.js';
import { renderProvenance } from '../provenance/report-provenance.js';

/** Rows past this in a table are counted, not listed: the JSON has them all. */
const MAX_ROWS = 20;

/** The findings as markdown list items, each line's own lines indented under it. */
function findingMarkdown(analysis: OrgAnalysis): string[] {
  const lines = findingLines(analysis, { findings: '--json', requests: "--json and the CSV's requests table" });
  return lines.flatMap((line) => [`- ${line.kind === undefined ? '' : `**${line.kind}**`}${line.text}`, ...line.under.map((under) => `  - ${under}`)]);
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
  lines.push(`${sub} Findings`, '');
  if (findingCount(analysis) === 0) lines.push('No bottleneck, agent held with mail, unanswered request, ping-pong, repetition, silent member or escalation storm.');
  lines.push(...findingMarkdown(analysis));
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
    lines.push('', 'Activation (org.yaml engine.activation), each rule over the turns:', '', '| rule | match | with work | drawn | not drawn | agents drawn | agents never drawn |', '|---:|---|---:|---:|---:|---:|---|');
    for (const rule of analysis.activation) {
      const never = rule.neverDrawn === undefined ? 'unknown' : rule.neverDrawn.length === 0 ? '0' : `${rule.neverDrawn.length}: ${rule.neverDrawn.join(', ')}`;
      lines.push(`| ${rule.rule} | ${rule.match} | ${rule.governed} | ${rule.drawn} | ${rule.governed - rule.drawn} | ${rule.agentsDrawn ?? 'unknown'} | ${never} |`);
    }
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
