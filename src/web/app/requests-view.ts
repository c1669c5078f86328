import { getJson } from './api.js';
import { credits, el, show, tokens } from './dom.js';
import { debounce, listenThenLoad } from './live.js';
import type { RequestView } from './types.js';

/** Where a request stands, in words, as `lemming requests` says it. */
function stateText(request: RequestView): string {
  if (request.answer) return `answered by ${request.answer.from} in turn ${request.answer.turn}`;
  if (request.waitingOn.length === 0) return 'nobody holds it';
  return request.waitingOn.map((waiting) => `${waiting.stuck ? 'stuck with' : 'waiting on'} ${waiting.agent} since turn ${waiting.since}${waiting.stuck ? `: ${waiting.agent} ${waiting.stuck}` : ''}`).join('; ');
}

/** Requests: every request the human made and where it stands, derived from its thread; live. */
export async function requestsPage(main: HTMLElement): Promise<() => void> {
  const list = el('div', { class: 'panel', id: 'requests' });
  show(main, el('h2', {}, 'Requests'), list);
  const load = async (): Promise<void> => {
    const { requests } = await getJson<{ requests: RequestView[] }>('/requests');
    if (requests.length === 0) {
      show(list, el('p', { class: 'muted' }, 'You have made no request yet: write to the org on the You page.'));
      return;
    }
    const rows = requests
      .slice()
      .reverse()
      .map((request) =>
        el(
          'tr',
          { class: `clickable request ${request.state}`, 'data-id': request.id, 'data-state': request.state, onclick: () => (location.hash = `#/message/${request.answer?.id ?? request.id}`) },
          el('td', {}, String(request.turn)),
          el('td', {}, el('strong', { class: 'clip', title: request.subject ?? request.preview }, request.subject ?? request.preview), el('div', { class: 'muted' }, `to ${request.to}${request.handedTo.length > 1 ? ` · via ${request.handedTo.slice(1).join(', ')}` : ''}`)),
          el('td', {}, el('span', { class: `tag ${request.state}` }, request.state), ' ', stateText(request)),
          el('td', { class: 'number' }, String(request.messages)),
          el('td', { class: 'number' }, `${tokens(request.tokens)} tokens · ${credits(request.credits)} credits`),
        ),
      );
    show(
      list,
      el('table', { class: 'requests' }, el('thead', {}, el('tr', {}, el('th', {}, 'Turn'), el('th', {}, 'Request'), el('th', {}, 'Where it stands'), el('th', {}, 'Messages'), el('th', {}, 'Cost so far'))), el('tbody', {}, ...rows)),
    );
  };
  const reload = debounce(() => void load(), 400);
  return listenThenLoad((event) => {
    if (event.kind === 'mail' || event.kind === 'turn' || event.kind === 'reset') reload();
  }, load);
}
