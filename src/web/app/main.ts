import { agentPage } from './agent-view.js';
import { analysisPage } from './analysis-view.js';
import { ApiError, apiPath } from './api.js';
import { chartPage } from './chart-view.js';
import { el, show } from './dom.js';
import { filePage } from './file-view.js';
import { humanPage } from './human-view.js';
import { watchIndex } from './index-state.js';
import { connectLive, onLive } from './live.js';
import { messagePage, messagesPage } from './messages-view.js';
import { proposalsPage, showPendingCount } from './proposals-view.js';
import { requestsPage } from './requests-view.js';
import { showOrgSwitch } from './org-switch.js';
import { recordFeed, runPage } from './run-view.js';
import { showTurnChoice } from './turn-choice.js';

/**
 * The dashboard's entry: a router on the URL's hash (`#/chart`, `#/messages?...`, `#/message/<id>`,
 * `#/agent/<name>`, `#/file/<agent>/<path>`, `#/requests`, `#/run`, `#/human`, `#/proposals`), one live event stream, the turn in the header,
 * and the turn selector (turn-choice.ts): every view as the org was after an earlier turn, read-only.
 */
const main = document.getElementById('view') as HTMLElement;
let leave: () => void = () => undefined;
let generation = 0;

async function route(): Promise<void> {
  leave();
  leave = () => undefined;
  const mine = (generation += 1);
  const [path = '', argument = '', ...rest] = location.hash.replace(/^#\/?/, '').split('?')[0]?.split('/') ?? [];
  for (const link of document.querySelectorAll('header nav a[data-view]')) link.classList.toggle('active', link.getAttribute('data-view') === (path === 'message' ? 'messages' : path === 'agent' || path === 'file' ? '' : path || 'chart'));
  try {
    const name = decodeURIComponent(argument);
    const cleanup =
      path === 'messages' ? await messagesPage(main)
      : path === 'message' ? await messagePage(main, name)
      : path === 'agent' ? await agentPage(main, name)
      : path === 'file' ? await filePage(main, name, rest.map(decodeURIComponent).join('/'))
      : path === 'requests' ? await requestsPage(main)
      : path === 'analysis' ? await analysisPage(main)
      : path === 'run' ? await runPage(main)
      : path === 'human' ? await humanPage(main)
      : path === 'proposals' ? await proposalsPage(main)
      : await chartPage(main);
    if (mine === generation) leave = cleanup;
    else cleanup();
  } catch (error) {
    if (mine !== generation) return;
    // Not an error to show in red: the view is drawn again when the header's notice says the index is in.
    if (error instanceof ApiError && error.waitsForIndex) show(main, el('p', { class: 'muted', id: 'waiting-for-index' }, 'The messages are still being indexed: this view fills in once they are in.'));
    else show(main, el('p', { class: 'error-text' }, error instanceof Error ? error.message : String(error)));
  }
}

async function showTurn(): Promise<void> {
  const response = await fetch(apiPath('/status'), { credentials: 'same-origin' });
  if (!response.ok) return;
  const status = (await response.json()) as { turn: number };
  show(document.getElementById('turn') as HTMLElement, `turn ${status.turn}`);
}

connectLive(document.getElementById('live') as HTMLElement);
recordFeed();
showPendingCount(document.querySelector('a[data-view="proposals"]') as HTMLElement);
onLive((event) => {
  if (event.kind === 'turn') show(document.getElementById('turn') as HTMLElement, `turn ${event.turn}`);
  if (event.kind === 'engine' && event.event.type === 'turn-finished') show(document.getElementById('turn') as HTMLElement, `turn ${String(event.event.turn)}`);
});
window.addEventListener('hashchange', () => void route());
void showTurn();
const turnChoice = showTurnChoice(document.getElementById('turn-choice') as HTMLElement, document.getElementById('turn-banner') as HTMLElement, main, () => void route());
// A turn that ends is one more the selector offers.
onLive((event) => {
  if (event.kind === 'turn' || (event.kind === 'engine' && event.event.type === 'turn-finished')) void turnChoice.then((choice) => choice.refresh());
});
void watchIndex(document.getElementById('index-state') as HTMLElement, () => void route());
void showOrgSwitch(document.getElementById('org-switch') as HTMLElement);
void route();
