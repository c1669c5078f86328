/**
 * Text as it will read back from a message file. What the engine writes must be what
 * any process parses later, or a recipient's prompt would depend on whether the
 * message came from this process's memory or from the file (after a restart, or on
 * replay): the file format keeps no blank lines before a body or white space after
 * it, cannot hold a NUL (a file with one is "binary"), and stores UTF-8, which has no
 * lone surrogates. Pure.
 */
export function asMessageBody(text: string): string {
  return wellFormed(text.replace(/\u0000/g, '\uFFFD'))
    .replace(/^[\r\n]+/, '')
    .trimEnd();
}

/** Lone UTF-16 surrogates (which UTF-8 cannot hold) become U+FFFD, as writing the file would make them. */
export function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** The first `limit` UTF-16 units of `text`, one fewer when the cut would split a surrogate pair. */
export function sliceWhole(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const last = text.charCodeAt(limit - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? limit - 1 : limit);
}
