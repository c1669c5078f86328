import { formatCount, formatInputTokens, showCredits } from '../../format/format.js';
import { cutAtWord } from '../../ui/shared/preview.js';

/** What `el` accepts as children: nodes, text (set as text, never parsed as HTML), or nothing. */
export type Child = Node | string | number | null | undefined | false;

/** Attributes and event handlers of `el`; `on*` keys take functions, the rest are set as attributes. */
export type Attributes = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/**
 * Make an element. Text is always added as text nodes, so whatever a message or a file holds
 * is shown, never run: the app has no `innerHTML` anywhere.
 */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

const SVG = 'http://www.w3.org/2000/svg';

/** Make an SVG element (for the org chart; the charts of amounts are drawn by the server, chart-image.ts). */
export function svg(tag: string, attributes: Attributes = {}, ...children: Child[]): SVGElement {
  const element = document.createElementNS(SVG, tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

function setAttributes(element: Element, attributes: Attributes): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
}

function append(element: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replace what `parent` shows. */
export function show(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** Text cut to `max` characters at a word with "…" when longer (the whole text belongs in a title, shown on hover). */
export const clip = cutAtWord;

/** Credits as the terminal shows them: four decimals (format/format.ts, the CLI's own module). */
export const credits = showCredits;

/** Tokens as the terminal shows them: `12,345`. */
export const tokens = formatCount;

/** Input tokens with the cached part, when there is one: `2,400 in (1,800 cached, 400 written to the cache)`. */
export const tokensIn = formatInputTokens;

/** What a panel shows until its first drawing is in: it says what is coming, so the panel is never blank. */
export function placeholder(text: string): HTMLElement {
  return el('p', { class: 'muted placeholder', role: 'status', 'aria-busy': 'true' }, text);
}
