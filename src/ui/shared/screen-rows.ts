import wrapAnsi from 'wrap-ansi';
import { terminalText } from '../../terminal-text/terminal-text.js';

/**
 * `text` as the rows a terminal `columns` wide shows it in, wrapped as ink wraps (ink's own
 * wrapper, hard breaks for words longer than a row). Escaped for the terminal first, so a
 * control character's visible escape is counted at its shown width. A screen that must fit
 * its height counts these rows, and draws each one cut rather than wrapped. Pure.
 */
export function screenRows(text: string, columns: number): string[] {
  const width = Math.max(1, columns);
  return text.split('\n').flatMap((line) => (line === '' ? [''] : wrapAnsi(terminalText(line), width, { hard: true, trim: false }).split('\n')));
}
