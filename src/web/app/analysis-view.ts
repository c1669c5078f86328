import { findingLines } from '../../analysis/finding-lines.js';
import type { OrgAnalysis } from '../../analysis/org-analysis.js';
import { CAUSE_UNITS, CAUSE_WORDS, DELIVERY_FORMS, FORM_WORDS, REFUSAL_CAUSES } from '../../format/mail-outcomes.js';
import { getJson } from './api.js';
import { credits, el, show } from './dom.js';
import { debounce, listenThenLoad } from './live.js';

/** Where the page sends a reader for every finding its lines leave out. */
const EVERY_ONE_IN = { findings: 'the API, /api/analysis', requests: 'the API, /api/analysis, and `lemming analyze --csv`' };

/** The findings in the lines and words `lemming analyze` prints (analysis/finding-lines.ts): a few a kind, however large the org. */
function findingItems(analysis: OrgAnalysis): HTMLElement[] {
  return findingLines(analysis, EVERY_ONE_IN).map((line) =>
    el(
      'li',
      { class: line.kind === undefined ? 'finding more' : 'finding' },
      line.kind === undefined ? null : el('strong', {}, line.kind),
      line.text,
      line.under.length > 0 ? el('ul', {}, ...line.under.map((under) => el('li', {}, under))) : null,
    ),
  );
}

function table(headings: string[], rows: Array<Array<string | number>>, id: string): HTMLElement {
  return el(
    'table',
    { id },
    el('thead', {}, el('tr', {}, ...headings.map((heading) => el('th', {}, heading)))),
    el('tbody', {}, ...rows.map((row) => el('tr', {}, ...row.map((cell) => el('td', typeof cell === 'number' ? { class: 'number' } : {}, String(cell)))))),
  );
}

/** Analysis: the org's network measured from its files, as `lemming analyze` shows it; drawn again after each turn. */
export async function analysisPage(main: HTMLElement): Promise<() => void> {
  const body = el('div', { class: 'panel', id: 'analysis' });
  show(main, el('h2', {}, 'Analysis'), body);
  const load = async (): Promise<void> => {
    const analysis = await getJson<OrgAnalysis>('/analysis');
    const findings = findingItems(analysis);
    show(
      body,
      el('h3', {}, 'Findings'),
      findings.length > 0 ? el('ul', { id: 'findings' }, ...findings) : el('p', { class: 'muted', id: 'findings' }, 'Nothing to look at: no bottleneck, unanswered request or failure pattern.'),
      el('h3', {}, 'MAST failure modes'),
      table(
        ['Mode', 'Category', 'Findings', 'From'],
        analysis.mast.filter((mode) => mode.detectable).map((mode) => [`${mode.code} ${mode.name}`, mode.category, mode.findings, mode.from.join(', ')]),
        'analysis-mast',
      ),
      el('h3', {}, 'Load per agent'),
      table(['Agent', 'Reports', 'In', 'Out', 'Turns active', 'Credits'], analysis.agents.map((agent) => [agent.agent, agent.reports.length, agent.messagesIn, agent.messagesOut, agent.turnsActive, credits(agent.credits)]), 'analysis-load'),
      el('h3', {}, 'Deliveries, refusals and reach'),
      el('p', { id: 'analysis-deliveries' }, `Readers reached: ${DELIVERY_FORMS.map((form) => `${analysis.deliveries[form]} ${FORM_WORDS[form]}`).join(', ')}.`),
      table(
        ['Cause', 'Refused', 'Counted in'],
        REFUSAL_CAUSES.map((cause) => [CAUSE_WORDS[cause], analysis.refusals[cause], CAUSE_UNITS[cause]]),
        'analysis-refusals',
      ),
      analysis.activation.length > 0
        ? table(['Activation rule', 'Match', 'With work', 'Drawn', 'Agents drawn', 'Never drawn'], analysis.activation.map((rule) => [rule.rule, rule.match, rule.governed, rule.drawn, rule.agentsDrawn ?? 'unknown', rule.neverDrawn?.join(', ') ?? 'unknown']), 'analysis-activation')
        : null,
      table(['Turn', 'Agents reached'], analysis.reach.map((turn) => [turn.turn, turn.reached]), 'analysis-reach'),
      el('h3', {}, 'Deliveries per edge'),
      table(
        ['From', 'To', 'Deliveries', ...DELIVERY_FORMS.map((form) => FORM_WORDS[form]), 'On the chart'],
        analysis.edges.used.map((edge) => [edge.from, edge.to, edge.messages, ...DELIVERY_FORMS.map((form) => edge.forms[form]), edge.onChart ? 'yes' : 'no (a list or a meeting)']),
        'analysis-edges',
      ),
      analysis.edges.unused && analysis.edges.unused.length > 0 ? el('p', { class: 'muted' }, `Never used: ${analysis.edges.unused.map((edge) => `${edge.from} → ${edge.to}`).join(', ')}`) : null,
      el('h3', {}, 'Requests and their answers'),
      table(
        ['Request', 'Path', 'Hops', 'Turns', 'Credits', 'Held longest'],
        analysis.requests.map((request) => [request.id, request.path.join(' → '), request.hops, request.turns, credits(request.credits), request.heldLongest ? `${request.heldLongest.agent} (${request.heldLongest.turns})` : '']),
        'analysis-requests',
      ),
    );
  };
  const reload = debounce(() => void load(), 1000);
  return listenThenLoad((event) => {
    if (event.kind === 'turn' || event.kind === 'reset') reload();
  }, load);
}
