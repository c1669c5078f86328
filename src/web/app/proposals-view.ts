import { ApiError, getJson, postJson } from './api.js';
import { el, show, type Child } from './dom.js';
import { debounce, listenThenLoad, onLive } from './live.js';
import type { ProposalEntry, ProposalsView } from './types.js';

/** What a proposal would do, spelled out: the hire's whole card, whom a retirement removes, a tool call's arguments. */
function details(proposal: ProposalEntry): Child[] {
  if (proposal.hire) {
    // A hand-written file may leave fields out: each is said missing, never `undefined` (nor a page that stops drawing).
    const hire: Partial<Record<keyof typeof proposal.hire, unknown>> = proposal.hire;
    const missing = (field: string): string => `missing (${field})`;
    const text = (field: 'name' | 'title' | 'reports_to' | 'model'): string => (typeof hire[field] === 'string' && hire[field] !== '' ? hire[field] : missing(field));
    const names = (field: 'send_to' | 'read_from' | 'tools', none: string): string => (Array.isArray(hire[field]) ? hire[field].join(', ') || none : missing(field));
    const rows: Array<[string, string]> = [
      ['name', text('name')],
      ['title', text('title')],
      ['reports to', text('reports_to')],
      ['model', text('model')],
      ['credits', typeof hire.credits === 'number' ? `${hire.credits} (from ${proposal.proposed_by}'s budget)` : missing('credits')],
      ['may send to', names('send_to', 'nobody')],
      ['reads from', names('read_from', 'nobody')],
      ['tools', names('tools', 'none')],
    ];
    const instructions = typeof hire.instructions === 'string' ? hire.instructions : missing('instructions');
    return [el('table', { class: 'fields' }, el('tbody', {}, ...rows.map(([key, value]) => el('tr', {}, el('th', {}, key), el('td', {}, value))))), el('pre', { class: 'instructions' }, instructions)];
  }
  if (proposal.retire) return [el('p', {}, `retire ${proposal.retire.name}: ${proposal.retire.reason}`)];
  if (proposal.tool) return [el('p', {}, `call ${proposal.tool.name} with`), el('pre', {}, JSON.stringify(proposal.tool.arguments, null, 2))];
  return [];
}

/**
 * One waiting proposal with its Approve and Reject (with a reason) buttons. A refusal is said on
 * the card, which stays; what a decision did (an approval that failed too) is handed to `decided`, since the card goes when the
 * list is redrawn.
 */
function pendingCard(proposal: ProposalEntry, decided: (summary: string, failed?: true) => void): HTMLElement {
  const reason = el('input', { class: 'reason', placeholder: 'reason (told to the proposer)', 'aria-label': `reason for ${proposal.id}` });
  const result = el('p', { class: 'decision', role: 'status' });
  const decide = (verdict: 'approve' | 'reject'): void => {
    void (async () => {
      for (const button of card.querySelectorAll('button')) button.disabled = true;
      try {
        const answer = await postJson<{ summary: string }>(`/proposals/${encodeURIComponent(proposal.id)}/${verdict}`, { reason: reason.value });
        show(result);
        decided(answer.summary);
      } catch (error) {
        // Approved but not carried out: the proposal is closed as failed, so the card goes with the next redraw; what stopped it stays above the list.
        if (error instanceof ApiError && error.code === 'approval-failed') {
          show(result);
          decided(error.message, true);
          return;
        }
        show(result, el('span', { class: 'error-text' }, error instanceof ApiError ? error.message : String(error)));
        for (const button of card.querySelectorAll('button')) button.disabled = false;
      }
    })();
  };
  const card = el(
    'div',
    { class: 'panel proposal', 'data-proposal': proposal.id },
    el('h3', {}, `${proposal.id} · ${proposal.kind}`),
    el('p', {}, `[turn ${proposal.turn}] `, el('a', { href: `#/agent/${proposal.proposed_by}` }, proposal.proposed_by), ` proposes to ${proposal.description}`),
    ...details(proposal),
    el('p', { class: 'muted' }, proposal.file),
    el('p', { class: 'writes' }, el('button', { class: 'approve', onclick: () => decide('approve') }, 'Approve'), ' ', el('button', { class: 'reject secondary', onclick: () => decide('reject') }, 'Reject'), ' ', reason),
    result,
  );
  return card;
}

function decidedRow(proposal: ProposalEntry): HTMLElement {
  const closed = proposal.status === 'rejected' || proposal.status === 'failed';
  const outcome = closed && proposal.reason ? `${proposal.status}: ${proposal.reason}` : proposal.status;
  return el('tr', { 'data-proposal': proposal.id }, el('td', {}, proposal.id), el('td', {}, `${proposal.proposed_by} proposed to ${proposal.description}`), el('td', { class: closed ? 'error-text' : 'ok-text' }, outcome));
}

/** Proposals: hires, retirements and tool calls waiting for the human, with Approve and Reject; live. */
export async function proposalsPage(main: HTMLElement): Promise<() => void> {
  const pendingBox = el('div', { id: 'pending-proposals' });
  const decidedBox = el('div', { class: 'panel', id: 'decided-proposals' });
  // What the last decision made on this page did ("coder_02 joins at the next turn"): kept above the list, which redraws without that card.
  const lastDecision = el('p', { id: 'proposal-decision', role: 'status' });
  show(main, el('h2', {}, 'Proposals'), lastDecision, pendingBox, decidedBox);
  const decided = (summary: string, failed?: true): void => {
    show(lastDecision, el('span', { class: failed ? 'error-text' : 'ok-text' }, summary));
    reload();
  };
  const load = async (): Promise<void> => {
    const view = await getJson<ProposalsView>('/proposals');
    show(
      pendingBox,
      ...view.problems.map((problem) => el('p', { class: 'error-text' }, problem)),
      ...(view.pending.length === 0 ? [el('p', { class: 'muted panel' }, 'nothing waits for your approval')] : view.pending.map((proposal) => pendingCard(proposal, decided))),
    );
    show(decidedBox, el('h3', {}, 'Decided'), view.decided.length === 0 ? el('p', { class: 'muted' }, 'nothing decided yet') : el('table', {}, el('tbody', {}, ...view.decided.map(decidedRow))));
  };
  const reload = debounce(() => void load(), 800);
  return listenThenLoad((event) => {
    if (event.kind === 'proposals' || event.kind === 'reset') reload();
  }, load);
}

/** The nav link shows how many proposals wait, from the start and as they change. */
export function showPendingCount(link: HTMLElement): void {
  const draw = (pending: number): void => show(link, pending > 0 ? `Proposals (${pending})` : 'Proposals');
  // An event that comes before the first count's answer is newer than that answer.
  let counted = false;
  onLive((event) => {
    if (event.kind !== 'proposals') return;
    counted = true;
    draw(event.pending);
  });
  void getJson<ProposalsView>('/proposals').then((view) => counted || draw(view.pending.length), () => undefined);
}
