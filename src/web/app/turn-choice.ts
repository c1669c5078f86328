import { apiPath, viewedTurn, viewTurn } from './api.js';
import { el, show } from './dom.js';

/** `GET /api/turns`, as the page reads it. */
interface TurnList {
  live: number;
  keeps: boolean;
  turns: Array<{ turn: number; recorded: string; messages: number; credits: number; note?: string }>;
  explanation?: string;
}

/** What a control that changes the org says while a past turn is shown. */
const READ_ONLY = 'read-only: this is the org as it was after an earlier turn; choose "live" to act';

/**
 * Disable every control of `root` that changes the org (marked `writes`: a form, or a button) while
 * a past turn is shown. The server refuses such a change anyway (`?turn=` on a POST is a 409); this
 * is so that nobody is offered one.
 */
export function lockWrites(root: ParentNode): void {
  if (viewedTurn() === undefined) return;
  for (const marked of root.querySelectorAll('.writes')) {
    const controls = marked.matches('button, input, select, textarea') ? [marked] : [...marked.querySelectorAll('button, input, select, textarea')];
    for (const control of controls as Array<HTMLButtonElement | HTMLInputElement>) {
      control.disabled = true;
      control.title = READ_ONLY;
    }
  }
}

/**
 * The turn selector in the header: "live" (the org now) or any turn the org's history kept, newest
 * first. Choosing an earlier turn shows every view as the org was after it (each request carries
 * `?turn=`), says so on a banner ("as after turn N — read-only") and disables what would change the
 * org; "live", or the banner's button, goes back. An org that keeps no history gets a selector that
 * says so, with the line to add to org/org.yaml, rather than none. `redraw` draws the view again.
 */
export async function showTurnChoice(holder: HTMLElement, banner: HTMLElement, main: HTMLElement, redraw: () => void): Promise<{ refresh(): Promise<void> }> {
  const select = el('select', { id: 'turn-select', 'aria-label': 'the turn shown' });
  const back = el('button', { type: 'button', id: 'turn-live', class: 'secondary' }, 'Back to live');
  const choose = (turn: number | undefined): void => {
    viewTurn(turn);
    document.body.classList.toggle('past-turn', turn !== undefined);
    banner.hidden = turn === undefined;
    if (turn !== undefined) show(banner, el('strong', {}, `as after turn ${turn} — read-only`), ' ', el('span', { class: 'muted' }, 'the org as its history kept it; nothing can be changed here'), ' ', back);
    select.value = turn === undefined ? 'live' : String(turn);
    redraw();
  };
  select.addEventListener('change', () => choose(select.value === 'live' ? undefined : Number(select.value)));
  back.addEventListener('click', () => choose(undefined));
  // Whatever a view draws later (a redraw, a form) is locked as it comes while a past turn is shown.
  new MutationObserver(() => lockWrites(main)).observe(main, { childList: true, subtree: true });

  const refresh = async (): Promise<void> => {
    const response = await fetch(apiPath('/turns'), { credentials: 'same-origin' });
    if (!response.ok) return;
    const list = (await response.json()) as TurnList;
    const past = list.turns.filter((entry) => entry.turn < list.live);
    show(
      select,
      el('option', { value: 'live' }, `live (turn ${list.live})`),
      ...past.map((entry) => el('option', { value: String(entry.turn), title: entry.note }, `after turn ${entry.turn}`)),
      list.explanation === undefined ? '' : el('option', { disabled: true, class: 'turn-explanation' }, list.explanation),
    );
    select.title = list.explanation ?? 'show the org as it was after an earlier turn, read-only';
    const shown = viewedTurn();
    select.value = shown === undefined ? 'live' : String(shown);
  };
  await refresh();
  show(holder, select);
  holder.hidden = false;
  return { refresh };
}
