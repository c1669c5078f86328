/*
 * How a message's body is shown in a line (a list's preview, a feed line): plain words, cut at a
 * word. Imports nothing and touches no Node or DOM API: the dashboard's index makes its previews
 * with it and the browser app loads this very module (served as /ui/shared/preview.js), so a
 * preview cut by the server and cut again shorter by the page follow one rule.
 */

/**
 * The words of a markdown text on one line, without its markup: headings' `#`, emphasis (`**`,
 * `__`, `*`, `_` around words, `~~`), code spans' and fences' backticks, quotes' `>`, list markers,
 * table pipes and rules; a link or image leaves its text. Not a parser: for a line of preview,
 * where a stray mark costs nothing but a reader's attention.
 */
export function plainText(markdown: string): string {
  return markdown
    .replace(/^\s*(```|~~~).*$/gm, ' ')
    .replace(/^\s{0,3}#{1,6}\s+/gm, '')
    .replace(/^\s{0,3}(?:[-*_]\s*){3,}$/gm, ' ')
    .replace(/^\s*>+\s?/gm, '')
    .replace(/^\s*(?:[-*+]|\d{1,9}[.)])\s+/gm, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__|~~)(?=\S)([\s\S]*?\S)\1/g, '$2')
    .replace(/(^|[^\w*])[*_](?=\S)([^*_\n]*?\S)[*_](?![\w*])/g, '$1$2')
    .replace(/`+([^`]*)`+/g, '$1')
    .replace(/^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*$/gm, ' ')
    .replace(/\s*\|\s*/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * `text` in at most `max` characters: whole when it fits, else cut at the last space that leaves
 * at least half of `max` (at `max - 1` characters in a word that long) and ended with `…`, one only:
 * a text already cut (a subject ending in `…`) is not given a second.
 */
export function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = text.slice(0, Math.max(1, max - 1));
  // The room may end just where a word does: then it is kept whole.
  const space = text[room.length] === ' ' ? room.length : room.lastIndexOf(' ');
  const kept = space >= max / 2 ? room.slice(0, space) : room;
  return `${kept.replace(/[\s,;:.–—…-]+$/, '')}…`;
}

/** A markdown body as a preview: its plain words, cut at a word to `max` characters with `…`. */
export function previewOf(markdown: string, max: number): string {
  return cutAtWord(plainText(markdown), max);
}
