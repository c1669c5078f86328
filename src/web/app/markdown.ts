import { el, type Attributes } from './dom.js';
import type MarkdownIt from './markdown-it.js';

type Renderer = ReturnType<typeof MarkdownIt>;
type Token = ReturnType<Renderer['parse']>[number];

let renderer: Promise<Renderer> | undefined;

/**
 * markdown-it, loaded with the first body that needs it (its browser build, served from the
 * package like the rest of the app): raw HTML off, so `<script>` in a body is text; no
 * typographer; single line breaks kept, as a message's writer meant them.
 */
function markdown(): Promise<Renderer> {
  renderer ??= import('./markdown-it.js').then((module) => module.default({ html: false, linkify: false, typographer: false, breaks: true }));
  return renderer;
}

/** The elements a body may make: anything else a token asks for is a plain `span`. */
const TAGS = new Set(['p', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'blockquote', 'pre', 'code', 'em', 'strong', 's', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'hr', 'br', 'span']);
/** Links open only these schemes; any other link shows its text alone. */
const SAFE_LINK = /^(https?:|mailto:)/i;
const ALIGN = /^text-align:(left|right|center)$/;

/** A body's headings sit below the page's own (h2, h3): `#` is h3, and `####` and below are h6. */
function tagOf(token: Token): string {
  const heading = /^h([1-6])$/.exec(token.tag);
  if (heading) return `h${Math.min(Number(heading[1]) + 2, 6)}`;
  return TAGS.has(token.tag) ? token.tag : 'span';
}

/** The attributes a token may carry onto its element: a safe link, a list's start, a table cell's alignment. */
function attributesOf(token: Token, tag: string): Attributes {
  const attributes: Attributes = {};
  if (tag === 'a') {
    const href = String(token.attrGet('href') ?? '');
    if (!SAFE_LINK.test(href)) return attributes;
    return { href, rel: 'noopener noreferrer', target: '_blank' };
  }
  const start = token.attrGet('start');
  if (tag === 'ol' && start !== null && /^\d{1,9}$/.test(String(start))) attributes.start = String(start);
  const style = String(token.attrGet('style') ?? '');
  if ((tag === 'th' || tag === 'td') && ALIGN.test(style)) attributes.style = style;
  return attributes;
}

/**
 * Build elements from markdown-it's tokens, never from HTML: each text goes in as a text node
 * (through `el`), each element is one of TAGS, and a link keeps its address only when its scheme
 * is http, https or mailto. So a body holding `<script>` or `<img onerror=...>` shows those
 * characters and runs nothing, whatever the parser makes of the rest.
 */
function build(tokens: readonly Token[], parent: HTMLElement): void {
  const stack: HTMLElement[] = [parent];
  for (const token of tokens) {
    const top = stack[stack.length - 1] ?? parent;
    switch (token.type) {
      case 'inline':
        build(token.children ?? [], top);
        continue;
      case 'text':
      case 'html_inline':
      case 'html_block':
        top.append(token.content);
        continue;
      case 'code_inline':
        top.append(el('code', {}, token.content));
        continue;
      case 'fence':
      case 'code_block':
        top.append(el('pre', {}, el('code', {}, token.content.replace(/\n$/, ''))));
        continue;
      case 'softbreak':
        top.append('\n');
        continue;
      case 'hardbreak':
        top.append(el('br'));
        continue;
      case 'image': {
        // No picture is fetched from a body: its description shows, as a link when its address is safe.
        const src = String(token.attrGet('src') ?? '');
        const alt = token.children?.map((child) => child.content).join('') || 'image';
        top.append(SAFE_LINK.test(src) ? el('a', { href: src, rel: 'noopener noreferrer', target: '_blank' }, `[image: ${alt}]`) : `[image: ${alt}]`);
        continue;
      }
    }
    if (token.nesting === 1) {
      const tag = tagOf(token);
      const element = el(tag as 'span', attributesOf(token, tag));
      top.append(element);
      stack.push(element);
    } else if (token.nesting === -1) {
      if (stack.length > 1) stack.pop();
    } else if (token.tag === 'hr') {
      top.append(el('hr'));
    } else if (token.content !== '') {
      top.append(token.content);
    }
  }
}

/**
 * A message body rendered as written, with markdown-it (a maintained CommonMark parser): block
 * quotes holding lists, nested lists, code blocks, tables and links, built element by element.
 */
export async function renderMarkdown(text: string): Promise<HTMLElement> {
  const root = el('div', { class: 'body' });
  build((await markdown()).parse(text, {}), root);
  return root;
}
