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

/**
 * A body cut to `limit` characters, ending with a line that says how much was cut and why,
 * so the reader knows there was more. Pure.
 */
export function capBody(text: string, limit: number): string {
  const over = charactersOverCap(text, limit);
  if (over === 0) return text;
  return `${text.slice(0, text.length - over)}\n\n[lemming: ${over} more characters were cut; messages are capped at ${limit} characters (org.yaml engine.max_body_chars)]`;
}

/** How many characters `capBody` cuts from `text`: 0 when it fits. */
export function charactersOverCap(text: string, limit: number): number {
  return text.length - sliceWhole(text, limit).length;
}
