/*
 * The one gate for text bound for a terminal. Agents write subjects, bodies and answers; models
 * and programs write error text; people write resumes. A terminal obeys the control characters
 * inside any of them: it can clear the screen, move up and erase lines, hide text, set the window
 * title or write the clipboard (OSC 52), and bidi overrides reorder what a person reads. Every
 * command's readable output, the live screens and the error lines pass their text through
 * `terminalText`, which shows those characters as visible escapes; the files keep them as written.
 *
 * The escape is JSON's `\u001b`, not `\x1b`: JSON output (already free of C0 by JSON.stringify)
 * passes the same gate and stays valid JSON that parses to the exact text, so `--json` and the
 * readable lines can never part, and a person reads the same escape in both. Imports nothing.
 */

/**
 * What a terminal acts on rather than shows: C0 controls but tab and newline (a carriage return
 * only where no newline follows it: CRLF ends a line, a lone CR rewrites it), DEL, the C1 controls
 * (U+0080–U+009F, of which U+009B is a CSI and U+009D an OSC on many terminals), and the bidi
 * embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069: "Trojan Source").
 */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/;
const EVERY_CONTROL = new RegExp(CONTROL.source, 'g');

function escapeOne(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * `text` as a terminal may be given it: every control character shown as a visible `\uXXXX`
 * escape (ESC as `\u001b`, BEL as `\u0007`, U+202E as `\u202e`); tab, newline and CRLF stay.
 * Pure; text without a control character comes back as the same string.
 */
export function terminalText(text: string): string {
  // Most lines hold no control character: one scan, and no new string.
  return CONTROL.test(text) ? text.replace(EVERY_CONTROL, escapeOne) : text;
}

/** Whether `text` holds a character `terminalText` escapes. */
export function hasTerminalControl(text: string): boolean {
  return CONTROL.test(text);
}

/**
 * A value someone else wrote (a name, a field of a file) as a message shows it: whole when it is at
 * most `max` characters, else its first `max - 3` and `...`, so a name of a megabyte is one short
 * excerpt wherever it is said. Pure.
 */
export function abbreviated(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
