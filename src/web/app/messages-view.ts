import { getJson } from './api.js';
import { credits, el, show, tokens, tokensIn } from './dom.js';
import { debounce, listenThenLoad } from './live.js';
import { fileHash } from './file-view.js';
import { renderMarkdown } from './markdown.js';
import { namedFiles } from './named-files.js';
import { cutAtWord } from '../../ui/shared/preview.js';
import type { FullMessage, MessageSummary } from './types.js';

const FILTERS = ['q', 'from', 'to', 'turn_from', 'turn_to', 'priority', 'subject'] as const;
const PAGE = 50;

/** The query part of the hash (`#/messages?from=manager`). */
export function hashQuery(): URLSearchParams {
  const hash = location.hash;
  const at = hash.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : hash.slice(at + 1));
}

/** One message as a table row; a click opens it. */
export function messageRow(message: MessageSummary, current?: string): HTMLTableRowElement {
  const row = el(
    'tr',
    { class: `clickable${message.id === current ? ' current' : ''}`, 'data-id': message.id, onclick: () => (location.hash = `#/message/${message.id}`) },
    el('td', {}, String(message.turn)),
    el('td', {}, `${message.from} → ${message.to}`),
    el('td', {}, el('strong', {}, message.subject ?? ''), message.subject ? ' · ' : '', el('span', { class: 'muted preview', title: message.preview }, cutAtWord(message.preview, 100))),
    el('td', {}, el('span', { class: `tag ${message.priority}` }, message.priority)),
    el('td', { class: 'number cost', title: message.tokens === undefined ? 'written by no model call' : `${tokens(message.tokens)} tokens: the call that wrote it` }, message.credits === undefined ? '' : credits(message.credits)),
  );
  return row;
}

function messageTable(messages: MessageSummary[]): HTMLTableElement {
  return el('table', { class: 'messages' }, el('thead', {}, el('tr', {}, el('th', {}, 'Turn'), el('th', {}, 'From → to'), el('th', {}, 'Subject · body'), el('th', {}, 'Priority'), el('th', { title: 'credits of the call that wrote it' }, 'Cost'))), el('tbody', {}, ...messages.map((message) => messageRow(message))));
}

/** Messages: full-text search and filters (from, to, turn range, priority, subject), newest first, in pages; live. */
export async function messagesPage(main: HTMLElement): Promise<() => void> {
  const query = hashQuery();
  const inputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
  const field = (name: string, placeholder: string, wide = false): HTMLInputElement => {
    const input = el('input', { name, placeholder, value: query.get(name) ?? '', class: wide ? 'wide' : undefined, 'aria-label': placeholder });
    inputs.set(name, input);
    return input;
  };
  const priority = el('select', { name: 'priority', 'aria-label': 'priority' }, ...['', 'low', 'normal', 'high', 'urgent'].map((value) => el('option', { value, selected: query.get('priority') === value }, value || 'any priority')));
  inputs.set('priority', priority);
  const form = el(
    'form',
    { class: 'filters', onsubmit: (event) => {
      event.preventDefault();
      const next = new URLSearchParams();
      for (const name of FILTERS) {
        const value = inputs.get(name)?.value.trim();
        if (value) next.set(name, value);
      }
      location.hash = `#/messages?${next.toString()}`;
    } },
    field('q', 'search words', true),
    field('from', 'from'),
    field('to', 'to'),
    field('turn_from', 'turn ≥'),
    field('turn_to', 'turn ≤'),
    priority,
    field('subject', 'subject has'),
    el('button', { type: 'submit' }, 'Search'),
    el('button', { type: 'button', class: 'secondary', onclick: () => (location.hash = '#/messages') }, 'Clear'),
  );
  const results = el('div', { class: 'panel', id: 'message-results' });
  show(main, el('h2', {}, 'Messages'), form, results);
  const offset = Number(query.get('offset') ?? '0') || 0;
  const filters = Object.fromEntries(FILTERS.filter((name) => name !== 'q').map((name) => [name, query.get(name) ?? undefined]));
  const load = async (): Promise<void> => {
    const words = query.get('q');
    if (words) {
      const found = await getJson<{ total: number; ranked: boolean; hits: MessageSummary[] }>('/search', { q: words, ...filters, limit: 200 });
      const order = found.ranked ? 'best first' : 'newest first (these words are in nearly every message)';
      show(results, el('p', { class: 'muted' }, `${found.total} message(s) match “${words}”, ${order}${found.total > found.hits.length ? `; the first ${found.hits.length} shown` : ''}`), messageTable(found.hits));
      return;
    }
    const page = await getJson<{ total: number; messages: MessageSummary[] }>('/messages', { ...filters, offset, limit: PAGE });
    const pageLink = (to: number, label: string): HTMLElement => {
      const next = new URLSearchParams(query);
      next.set('offset', String(to));
      return el('a', { href: `#/messages?${next.toString()}` }, label);
    };
    show(
      results,
      el('p', { class: 'muted' }, `${page.total} message(s), newest first; ${offset + 1}–${Math.min(offset + PAGE, page.total)} shown `, offset > 0 ? pageLink(Math.max(0, offset - PAGE), '← newer') : '', ' ', offset + PAGE < page.total ? pageLink(offset + PAGE, 'older →') : ''),
      messageTable(page.messages),
    );
  };
  const reload = debounce(() => void load(), 500);
  return listenThenLoad((event) => {
    if (event.kind === 'mail' || event.kind === 'reset') reload();
  }, load);
}

/** When a message was written, as a person reads it: `2026-11-21 09:14:03`. */
function when(created: string): string {
  return created.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
}

/** The workspace files the message names, each a link that opens it read-only; nothing when it names none. */
function filesPanel(message: FullMessage): HTMLElement | '' {
  const files = namedFiles(message.body, message.from);
  if (files.length === 0) return '';
  return el(
    'div',
    { class: 'panel', id: 'message-files' },
    el('h3', {}, 'Files it names'),
    el('ul', {}, ...files.map((file) => el('li', {}, el('a', { href: fileHash(file.agent, file.path), title: `${file.agent}'s workspace: ${file.path}` }, file.named)))),
  );
}

/** One message: its front matter, its rendered body, where its file lies, and its thread. */
export async function messagePage(main: HTMLElement, id: string): Promise<() => void> {
  const [message, thread] = await Promise.all([getJson<FullMessage>(`/messages/${encodeURIComponent(id)}`), getJson<{ messages: MessageSummary[] }>(`/threads/${encodeURIComponent(id)}`)]);
  const fields: Array<[string, string | HTMLElement]> = [
    ['id', message.id],
    ['from', el('a', { href: `#/agent/${message.from}` }, message.from)],
    ['to', el('a', { href: `#/agent/${message.to}` }, message.to)],
    ['turn', String(message.turn)],
    ['created', message.created],
    ['priority', message.priority],
  ];
  if (message.subject !== undefined) fields.push(['subject', message.subject]);
  if (message.replyTo !== undefined) fields.push(['reply_to', el('a', { href: `#/message/${message.replyTo}` }, message.replyTo)]);
  if (message.model !== undefined) fields.push(['model', message.model]);
  if (message.usage) fields.push(['usage', `${tokensIn(message.usage)}, ${tokens(message.usage.outputTokens)} out, ${credits(message.usage.credits)} credits${message.usage.estimated ? ' (estimated)' : ''}`]);
  fields.push(['file', el('code', { title: message.path }, message.file)]);
  show(
    main,
    el('h2', {}, message.subject ?? `Message ${message.id}`),
    el(
      'div',
      { class: 'columns' },
      el(
        'div',
        {},
        el('div', { class: 'panel' }, el('table', { class: 'front' }, ...fields.map(([name, value]) => el('tr', {}, el('th', {}, name), el('td', {}, value)))), ...message.notes.map((note) => el('p', { class: 'muted' }, note))),
        el('div', { class: 'panel', id: 'message-body' }, await renderMarkdown(message.body)),
        filesPanel(message),
        message.to === 'human' ? el('p', {}, el('a', { href: `#/human?to=${message.from}&reply_to=${message.id}` }, `Reply to ${message.from}`)) : '',
      ),
      el(
        'div',
        { class: 'panel', id: 'thread' },
        el('h3', {}, `Thread (${thread.messages.length})`),
        ...thread.messages.map((entry) =>
          el(
            'div',
            { class: `thread-entry${entry.id === id ? ' current' : ''}`, style: `margin-left:${Math.min(entry.depth ?? 0, 8) * 14}px`, 'data-id': entry.id },
            el('a', { href: `#/message/${entry.id}` }, `turn ${entry.turn} · ${entry.from} → ${entry.to}`),
            el('div', { class: 'clip', title: entry.subject ?? entry.preview }, entry.subject ?? entry.preview),
            el('div', { class: 'muted thread-cost' }, `${when(entry.created)}${entry.credits === undefined ? '' : ` · ${tokens(entry.tokens ?? 0)} tokens · ${credits(entry.credits)} credits`}`),
          ),
        ),
      ),
    ),
  );
  return () => undefined;
}
