import { el, type Child } from './dom.js';

/**
 * A small, safe markdown renderer: headings, paragraphs, lists, quotes, fenced code, and inline
 * code, bold, italics and http(s) links. It builds elements from text and never parses HTML, so a
 * body that holds `<script>` or `<img onerror=...>` shows those characters and runs nothing.
 */
export function renderMarkdown(text: string): HTMLElement {
  const root = el('div', { class: 'body' });
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let index = 0;
  while (index < lines.length) {
    const line = lines[index] ?? '';
    if (line.trim() === '') {
      index += 1;
      continue;
    }
    if (line.startsWith('```')) {
      const code: string[] = [];
      index += 1;
      while (index < lines.length && !(lines[index] ?? '').startsWith('```')) code.push(lines[index++] ?? '');
      index += 1;
      root.append(el('pre', {}, el('code', {}, code.join('\n'))));
      continue;
    }
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    if (heading) {
      const level = Math.min((heading[1] ?? '#').length + 2, 6) as 3 | 4 | 5 | 6;
      root.append(el(`h${level}`, {}, ...inline(heading[2] ?? '')));
      index += 1;
      continue;
    }
    const bullet = /^\s*([-*]|\d+\.)\s+/;
    if (bullet.test(line)) {
      const ordered = /^\s*\d+\./.test(line);
      const list = el(ordered ? 'ol' : 'ul');
      while (index < lines.length && bullet.test(lines[index] ?? '')) list.append(el('li', {}, ...inline((lines[index++] ?? '').replace(bullet, ''))));
      root.append(list);
      continue;
    }
    if (line.startsWith('>')) {
      const quoted: string[] = [];
      while (index < lines.length && (lines[index] ?? '').startsWith('>')) quoted.push((lines[index++] ?? '').replace(/^>\s?/, ''));
      root.append(el('blockquote', {}, ...inline(quoted.join(' '))));
      continue;
    }
    const paragraph: string[] = [];
    while (index < lines.length && (lines[index] ?? '').trim() !== '' && !/^(```|#{1,4}\s|>|\s*([-*]|\d+\.)\s)/.test(lines[index] ?? '')) paragraph.push(lines[index++] ?? '');
    root.append(el('p', {}, ...inline(paragraph.join('\n'))));
  }
  return root;
}

const INLINE = /`([^`]+)`|\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g;

/** Inline markup of one block, as nodes; anything else stays text. */
function inline(text: string): Child[] {
  const parts: Child[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const at = match.index ?? 0;
    if (at > last) parts.push(text.slice(last, at));
    if (match[1] !== undefined) parts.push(el('code', {}, match[1]));
    else if (match[2] !== undefined) parts.push(el('strong', {}, match[2]));
    else if (match[3] !== undefined) parts.push(el('em', {}, match[3]));
    else if (match[4] !== undefined && match[5] !== undefined) parts.push(el('a', { href: match[5], rel: 'noopener noreferrer', target: '_blank' }, match[4]));
    last = at + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}
