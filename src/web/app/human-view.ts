import { ApiError, getJson, postJson } from './api.js';
import { el, show } from './dom.js';
import { debounce, listenThenLoad } from './live.js';
import { hashQuery, messageRow } from './messages-view.js';
import type { MessageSummary, SentView } from './types.js';

/** Priorities as the inbox lists them (the page carries no server code). */
const PRIORITY_ORDER = ['urgent', 'high', 'normal', 'low'];

/** The most ids one `POST /api/inbox/read` takes (MAX_READ_IDS of the server's action-routes.ts). */
const READ_BATCH = 1000;

/** Mark mail read, a batch of ids per request. */
async function markRead(ids: string[]): Promise<void> {
  for (let start = 0; start < ids.length; start += READ_BATCH) await postJson('/inbox/read', { ids: ids.slice(start, start + READ_BATCH) });
}

interface Inbox {
  messages: Array<MessageSummary & { unread: boolean; body: string }>;
  notices: Array<{ id: string; turn: number; subject: string; body: string; unread: boolean }>;
  sent: MessageSummary[];
}

/** You, the human: a composer to send as `human`, and your inbox (mail and the engine's notices); live. */
export async function humanPage(main: HTMLElement): Promise<() => void> {
  const query = hashQuery();
  const me = await getJson<{ reaches: string[] }>('/agents/human');
  const to = el('select', { name: 'to', id: 'compose-to', 'aria-label': 'to' }, ...me.reaches.map((name) => el('option', { value: name, selected: query.get('to') === name }, name)));
  const subject = el('input', { name: 'subject', id: 'compose-subject', placeholder: 'subject (optional)', 'aria-label': 'subject' });
  const priority = el('select', { name: 'priority', 'aria-label': 'priority' }, ...['normal', 'low', 'high', 'urgent'].map((value) => el('option', { value }, value)));
  const replyTo = el('input', { name: 'reply_to', id: 'compose-reply-to', placeholder: 'reply to (message id, optional)', value: query.get('reply_to') ?? '', 'aria-label': 'reply to' });
  const body = el('textarea', { name: 'body', id: 'compose-body', placeholder: 'Write to the org…', 'aria-label': 'message' });
  const result = el('p', { id: 'compose-result', role: 'status' });
  const form = el(
    'form',
    { id: 'composer', class: 'writes', onsubmit: (event) => {
      event.preventDefault();
      void (async () => {
        try {
          const sent = await postJson<SentView>('/send', { to: to.value, body: body.value, subject: subject.value, priority: priority.value, reply_to: replyTo.value });
          // A cut body is said here too, as `lemming send` says it: the message itself ends by saying so.
          const cut = sent.cutCharacters > 0 ? `; its last ${sent.cutCharacters} characters were cut (org.yaml's engine.max_body_chars caps a message), and the message says so` : '';
          show(result, el('span', { class: 'ok-text' }, `sent ${sent.id} to ${to.value} (${sent.file})${cut}; ${sent.delivery}`));
          body.value = '';
          subject.value = '';
          replyTo.value = '';
        } catch (error) {
          show(result, el('span', { class: 'error-text' }, error instanceof ApiError ? error.message : String(error)));
        }
      })();
    } },
    el('div', { class: 'filters' }, 'To ', to, subject, priority, replyTo),
    body,
    el('p', {}, el('button', { type: 'submit', id: 'compose-send' }, 'Send as human')),
    result,
  );
  const inboxBox = el('div', { class: 'panel', id: 'inbox' });
  show(main, el('h2', {}, 'You (human)'), el('div', { class: 'columns' }, inboxBox, el('div', { class: 'panel' }, el('h3', {}, 'Write'), me.reaches.length === 0 ? el('p', { class: 'muted' }, 'the chart lets you reach nobody') : form)));
  const load = async (): Promise<void> => {
    const inbox = await getJson<Inbox>('/inbox');
    const unread = [...inbox.messages.filter((message) => message.unread).map((message) => message.id), ...inbox.notices.filter((notice) => notice.unread).map((notice) => notice.id)];
    const markAll = el('button', { class: 'secondary writes', onclick: () => void markRead(unread).then(load) }, 'Mark all read');
    // The most urgent first, the newest first within a priority.
    const rows = inbox.messages.slice().reverse().sort((left, right) => PRIORITY_ORDER.indexOf(left.priority) - PRIORITY_ORDER.indexOf(right.priority)).map((message) => {
      const row = messageRow(message);
      if (message.unread) row.classList.add('unread');
      return row;
    });
    show(
      inboxBox,
      el('h3', {}, `Inbox (${unread.length} unread) `, unread.length > 0 ? markAll : ''),
      rows.length === 0 ? el('p', { class: 'muted' }, 'no mail yet') : el('table', {}, el('tbody', {}, ...rows)),
      ...inbox.notices.slice().reverse().map((notice) => el('div', { class: notice.unread ? 'unread' : undefined }, el('strong', {}, `[turn ${notice.turn}] ${notice.subject}`), el('pre', {}, notice.body))),
      el('h3', {}, `Sent (${inbox.sent.length})`),
      el('table', {}, el('tbody', {}, ...inbox.sent.slice().reverse().slice(0, 50).map((message) => messageRow(message)))),
    );
  };
  const reload = debounce(() => void load(), 300);
  return listenThenLoad((event) => {
    if (event.kind === 'mail' || event.kind === 'turn' || event.kind === 'reset') reload();
  }, load);
}
