/**
 * The most characters of a page's HTML turned into text (512 KiB); the rest is left out, and the
 * result says so. A tool result is capped at 50,000 characters (tool-result.ts), which ordinary
 * HTML reaches in well under this (a long Wikipedia article's first 512 KB hold some 60,000
 * characters of text); converting more would cost time for text the model never sees.
 */
export const MAX_HTML_CHARS = 512 * 1024;

/**
 * The deepest nesting of elements kept (32). Past it, tags are dropped and their text kept, a
 * block's on a line of its own. html-to-text's work grows with depth times size (each level of a
 * list or quote indents every line inside it): 2 MB of lists nested 500 deep took 40 s and made
 * 52 MB of text; past some 1,000 levels its recursion overflows the stack. Ordinary pages' text
 * sits 10 to 30 elements deep.
 */
export const MAX_HTML_DEPTH = 32;

/** HTML cut and flattened to the bounds, and what was done to it. */
export interface BoundedHtml {
  html: string;
  /** Characters left out past MAX_HTML_CHARS (0: none). */
  cutChars: number;
  /** Start tags dropped because they were nested past MAX_HTML_DEPTH (0: none). */
  flattened: number;
}

/** Elements that never hold others. */
const VOID = new Set(['area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input', 'isindex', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
/** Elements whose content is text up to their own end tag: a `<div>` inside a script is no element. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript', 'plaintext']);
/** Elements that start a block: dropped, they leave a line break, so paragraphs do not run together. */
const BLOCK = new Set(['address', 'article', 'aside', 'blockquote', 'dd', 'details', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'li', 'main', 'ol', 'p', 'pre', 'section', 'table', 'td', 'th', 'tr', 'ul']);
const P_CLOSERS = [...BLOCK].filter((name) => !['dd', 'dt', 'li', 'td', 'th', 'tr'].includes(name));
/**
 * An element that closes the open one named when it starts, as the HTML parser does (htmlparser2's
 * own table, its common part): `<li>a<li>b` is two items side by side, not one inside the other.
 * Without it a list of unclosed items would count as nested as it is long.
 */
const OPEN_CLOSES = new Map<string, ReadonlySet<string>>([
  ['tr', new Set(['tr', 'th', 'td'])],
  ['td', new Set(['th', 'td'])],
  ['th', new Set(['th', 'td'])],
  ['li', new Set(['li'])],
  ['dd', new Set(['dd', 'dt'])],
  ['dt', new Set(['dd', 'dt'])],
  ['option', new Set(['option'])],
  ...P_CLOSERS.map((name): [string, ReadonlySet<string>] => [name, new Set(['p'])]),
]);

/** A tag, a comment, or a declaration (`<!doctype …>`, `<?xml …>`), as the scan meets them. */
const MARKUP = /<(?:!--[\s\S]*?(?:-->|$)|[!?][^>]*>?|(\/?)([A-Za-z][^\s/>]*)(?:[^>"']|"[^"]*"|'[^']*')*>?)/g;

/**
 * `html` cut to `maxChars` and with every element nested deeper than `maxDepth` flattened: its
 * start and end tags dropped (a block's replaced by `<br>`), its text kept. One pass over the
 * text with a stack of open elements and a count per name, so a close tag never searches the
 * stack: linear in the input however it nests. It follows the HTML parser closely enough that
 * an ordinary page is left as it is; where it errs the cost is layout past the depth, never text.
 * Pure.
 */
export function boundHtml(html: string, maxChars = MAX_HTML_CHARS, maxDepth = MAX_HTML_DEPTH): BoundedHtml {
  const cutChars = Math.max(0, html.length - maxChars);
  const text = cutChars > 0 ? html.slice(0, maxChars) : html;
  const stack: Array<{ name: string; dropped: boolean }> = [];
  const open = new Map<string, number>();
  const parts: string[] = [];
  let kept = 0;
  let from = 0;
  let flattened = 0;
  const pop = (): { name: string; dropped: boolean } | undefined => {
    const top = stack.pop();
    if (top !== undefined) open.set(top.name, (open.get(top.name) ?? 1) - 1);
    return top;
  };
  const drop = (start: number, end: number, name: string): void => {
    parts.push(text.slice(from, start), BLOCK.has(name) ? '<br>' : ' ');
    from = end;
  };
  MARKUP.lastIndex = 0;
  for (let match = MARKUP.exec(text); match !== null; match = MARKUP.exec(text)) {
    const [whole, slash, rawName] = match;
    if (rawName === undefined) continue;
    const name = rawName.toLowerCase();
    const start = match.index;
    const end = start + whole.length;
    if (slash === '/') {
      if ((open.get(name) ?? 0) === 0) continue;
      let closed = pop();
      while (closed !== undefined && closed.name !== name) {
        if (!closed.dropped) kept -= 1;
        closed = pop();
      }
      if (closed === undefined) continue;
      if (closed.dropped) drop(start, end, name);
      else kept -= 1;
      continue;
    }
    const closes = OPEN_CLOSES.get(name);
    while (closes !== undefined && stack.length > 0 && closes.has(stack[stack.length - 1]!.name)) {
      if (!pop()!.dropped) kept -= 1;
    }
    if (RAW_TEXT.has(name)) {
      // Its text is skipped whole; the element itself holds no other, so the depth is unchanged.
      const close = indexOfClose(text, name, end);
      MARKUP.lastIndex = close < 0 ? text.length : close;
      continue;
    }
    if (VOID.has(name)) continue;
    const dropped = kept >= maxDepth;
    stack.push({ name, dropped });
    open.set(name, (open.get(name) ?? 0) + 1);
    if (dropped) {
      flattened += 1;
      drop(start, end, name);
    } else {
      kept += 1;
    }
  }
  if (from === 0) return { html: text, cutChars, flattened };
  parts.push(text.slice(from));
  return { html: parts.join(''), cutChars, flattened };
}

/** The end tag of each raw-text element, found case-insensitively. */
const RAW_TEXT_CLOSE = new Map([...RAW_TEXT].map((name) => [name, new RegExp(`</${name}[\\s/>]`, 'gi')]));

/** Where the end tag of raw-text element `name` starts, from `from`, or -1 when it is never closed. */
function indexOfClose(text: string, name: string, from: number): number {
  const close = RAW_TEXT_CLOSE.get(name);
  if (close === undefined) return -1;
  close.lastIndex = from;
  return close.exec(text)?.index ?? -1;
}
