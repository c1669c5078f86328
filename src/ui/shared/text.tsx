import { createElement, type ReactNode } from 'react';
import { Text as InkText, type TextProps } from 'ink';
import { terminalText } from '../../terminal-text/terminal-text.js';

/** Every string among the children through the terminal's one gate; elements (nested `Text`) pass as they are and escape their own. */
function safeChildren(children: ReactNode): ReactNode[] {
  if (typeof children === 'string') return [terminalText(children)];
  if (Array.isArray(children)) return (children as ReactNode[]).flatMap(safeChildren);
  return [children];
}

/**
 * ink's `Text`, with its text made safe for the terminal (src/terminal-text): a subject, a body,
 * an agent's name or an error shows ESC, BEL, C1 and bidi controls as visible escapes, while
 * ink's own colours (its props) stay. The screens import `Text` from here, never from ink
 * (tests/unit/terminal-printer.test.ts checks it), so no string reaches the screen unescaped.
 */
export function Text({ children, ...props }: TextProps) {
  // Children spread as arguments, not passed as one array: an array would ask for keys it does not need.
  return createElement(InkText, props, ...safeChildren(children));
}
