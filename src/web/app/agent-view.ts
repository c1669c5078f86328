import { ApiError, getJson, postJson } from './api.js';
import { activityTable } from './activity-table.js';
import { showChartImage } from './chart-image.js';
import { fileHash } from './file-view.js';
import { credits, el, placeholder, show } from './dom.js';
import { debounce, listenThenLoad } from './live.js';
import { showTrace } from './trace-view.js';
import type { AgentView } from './types.js';

const names = (list: string[] | '*'): string => (list === '*' ? 'everyone (*)' : list.join(', ') || 'nobody');

/** A form that opens a file of the agent's workspace, read-only (`work/notes.md`, or `shared/plan.md` for the shared one). */
function openFileForm(agent: string): HTMLElement {
  const path = el('input', { name: 'path', id: 'open-file-path', class: 'wide', placeholder: 'work/notes.md or shared/plan.md', 'aria-label': 'a file of the workspace' });
  return el(
    'form',
    { class: 'filters', onsubmit: (event) => {
      event.preventDefault();
      if (path.value.trim() !== '') location.hash = fileHash(agent, path.value.trim());
    } },
    'Workspace file ',
    path,
    el('button', { type: 'submit', class: 'secondary' }, 'Open'),
  );
}

/** A form to add credits to the agent (`lemming top-up`): one ledger line, taken in at the next turn. */
function topUpForm(agent: string, done: () => void): HTMLElement {
  const amount = el('input', { name: 'credits', id: 'top-up-credits', placeholder: 'credits, e.g. 0.5', 'aria-label': 'credits to add' });
  const result = el('span', { role: 'status' });
  return el(
    'form',
    { class: 'filters writes', onsubmit: (event) => {
      event.preventDefault();
      void postJson('/top-up', { agent, credits: Number(amount.value) })
        .then(done)
        .catch((error: unknown) => show(result, el('span', { class: 'error-text' }, error instanceof ApiError ? error.message : String(error))));
    } },
    'Top up ',
    amount,
    el('button', { type: 'submit', id: 'top-up' }, 'Add credits'),
    result,
  );
}

/** What an agent's credits chart shows, in words (the image's alt text). */
function creditsAlt(agent: AgentView): string {
  const last = agent.credits.at(-1);
  const start = agent.status ? ` from ${credits(agent.status.budget + agent.status.toppedUp)} at turn 0` : '';
  return `Chart of ${agent.name}'s credits left after each turn${start} to ${credits(last?.balance ?? 0)} after turn ${last?.turn ?? 0}, on an axis from 0 credits`;
}

/** An agent: resume, permissions (and whom it really reaches), credits over turns, log, notes, call traces; live. */
export async function agentPage(main: HTMLElement, name: string): Promise<() => void> {
  // Shown once a trace is picked: an empty box says nothing.
  const traceArea = el('div', { class: 'panel', id: 'trace', hidden: true });
  // Kept from one drawing of the page to the next: the chart before stays until the new one is in.
  const creditsChart = el('div', { class: 'panel chart-panel', id: 'credits-chart' }, placeholder(`Drawing ${name}'s credits…`));
  show(main, el('h2', {}, name), placeholder(`Reading ${name}'s page…`));
  const draw = async (): Promise<void> => {
    const agent = await getJson<AgentView>(`/agents/${encodeURIComponent(name)}`);
    const status = agent.status;
    const charted = !agent.isHuman && agent.credits.length > 0;
    if (charted) void showChartImage(creditsChart, `/agents/${encodeURIComponent(name)}/credits.svg`, creditsAlt(agent));
    show(
      main,
      el('h2', {}, `${agent.name} · ${agent.title}`),
      el(
        'div',
        { class: 'columns' },
        el(
          'div',
          {},
          el(
            'div',
            { class: 'panel' },
            el('p', {}, `model ${agent.models.join(' → ')} · reports to ${agent.reportsTo ?? 'nobody'} · tools ${agent.tools.join(', ') || 'none'}`),
            status && !agent.isHuman ? el('p', { id: 'agent-credits' }, `credits ${credits(status.balance)} left of ${credits(status.budget + status.toppedUp)} (${credits(status.spent)} spent) · ${status.unread} unread`) : '',
            agent.isHuman ? '' : topUpForm(agent.name, () => void draw()),
            openFileForm(agent.name),
            status?.lastError ? el('p', { class: 'error-text' }, `last error (turn ${status.lastError.turn}): ${status.lastError.message}`) : '',
            el('p', {}, `send_to: ${names(agent.sendTo)} — really reaches: ${agent.reaches.join(', ') || 'nobody'}`),
            el('p', {}, `read_from: ${names(agent.readFrom)} — really hears from: ${agent.hears.join(', ') || 'nobody'}`),
            el('p', {}, el('a', { href: `#/messages?from=${agent.name}` }, 'mail sent'), ' · ', el('a', { href: `#/messages?to=${agent.name}` }, 'mail received')),
          ),
          charted ? creditsChart : '',
          agent.traces.length === 0
            ? ''
            : el('div', { class: 'panel', id: 'traces' }, el('h3', {}, `Call traces (${agent.traces.length} kept)`), el('p', {}, ...agent.traces.slice().reverse().flatMap((turn) => [el('a', { href: '#', 'data-turn': turn, onclick: (event) => {
                event.preventDefault();
                traceArea.hidden = false;
                void showTrace(traceArea, agent.name, turn);
              } }, `turn ${turn}`), ' '])), traceArea),
          agent.log.length === 0 ? '' : el('div', { class: 'panel', id: 'activity-log' }, el('h3', {}, 'Activity log (latest last)'), el('div', { class: 'scroll' }, activityTable(agent.name, agent.log))),
        ),
        el(
          'div',
          {},
          el('div', { class: 'panel' }, el('h3', {}, `Resume (${agent.resume.file})`), el('pre', {}, agent.resume.text)),
          el('div', { class: 'panel' }, el('h3', {}, 'Notes'), ...(Object.keys(agent.notes).length === 0 ? [el('p', { class: 'muted' }, 'none')] : Object.entries(agent.notes).map(([key, text]) => el('div', {}, el('strong', {}, key), el('pre', {}, text))))),
        ),
      ),
    );
  };
  const redraw = debounce(() => void draw(), 800);
  return listenThenLoad((event) => {
    if (event.kind === 'turn' || event.kind === 'reset' || (event.kind === 'engine' && event.event.type === 'turn-finished')) redraw();
  }, draw);
}
