/**
 * A page's table of contents, written between `<!-- toc -->` and `<!-- /toc -->` from the page's
 * own headings, so it cannot drift from them (`npm run docs` writes it; a test finds it stale).
 * Anchors are GitHub's: what a link to a heading of a page in this repository must name.
 * Pure: text in, text out.
 */

/** A heading of a page: its level (1 for `#`), its text as written, and its anchor. */
export interface Heading {
  level: number;
  text: string;
  anchor: string;
}

export const TOC_START = '<!-- toc -->';
export const TOC_END = '<!-- /toc -->';

/** GitHub's anchor for a heading's text: lower case, punctuation dropped, spaces as hyphens. */
export function headingSlug(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, '')
    .replaceAll(' ', '-');
}

/** Whether a line opens or closes a fenced block: a fence opens with any info string and closes bare. */
function fenceToggles(line: string, inFence: boolean): boolean {
  if (!line.startsWith('```')) return false;
  return !inFence || line.trim() === '```';
}

/** The page's headings outside fenced blocks, with GitHub's anchors (a repeated one numbered `-1`, `-2`). */
export function headingsOf(markdown: string): Heading[] {
  const headings: Heading[] = [];
  const seen = new Map<string, number>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (fenceToggles(line, inFence)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    const match = /^(#{1,6}) (.*)$/.exec(line);
    if (!match) continue;
    const base = headingSlug(match[2] ?? '');
    const count = seen.get(base);
    seen.set(base, (count ?? -1) + 1);
    headings.push({ level: (match[1] ?? '#').length, text: match[2] ?? '', anchor: count === undefined ? base : `${base}-${count + 1}` });
  }
  return headings;
}

/** The list a page's table of contents shows: its `##` and `###` headings, nested by level. */
export function tableOfContents(markdown: string): string {
  return headingsOf(markdown)
    .filter((heading) => heading.level === 2 || heading.level === 3)
    .map((heading) => `${heading.level === 3 ? '  ' : ''}- [${heading.text.replaceAll('[', '\\[').replaceAll(']', '\\]')}](#${heading.anchor})`)
    .join('\n');
}

/** The page with its table of contents written afresh between the markers; the page unchanged when it has none. */
export function withTableOfContents(markdown: string): string {
  const start = markdown.indexOf(TOC_START);
  const end = markdown.indexOf(TOC_END);
  if (start < 0 || end < start) return markdown;
  const toc = tableOfContents(markdown);
  return `${markdown.slice(0, start)}${TOC_START}\n${toc === '' ? '' : `${toc}\n`}${markdown.slice(end)}`;
}
