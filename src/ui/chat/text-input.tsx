import { useRef, useState } from 'react';
import { useInput } from 'ink';
import { Text } from '../shared/text.js';

/** Props of `TextInput`; keys are ignored while `isActive` is false. */
export interface TextInputProps {
  prompt: string;
  onSubmit: (line: string) => void;
  /** Tab: return the line completed. */
  onComplete?: (line: string) => string;
  isActive: boolean;
}

/**
 * One line of input: type, Backspace, Enter to send, Tab to complete, Up and Down
 * for earlier lines, Esc or Ctrl-U to clear. A paste is sent only if it ends with a
 * line break; the line breaks inside it become spaces, so it never goes out in pieces.
 */
export function TextInput({ prompt, onSubmit, onComplete, isActive }: TextInputProps) {
  const [value, setValue] = useState('');
  // Keys can arrive faster than React re-renders; the ref always holds the line as typed so far.
  const line = useRef('');
  const history = useRef<string[]>([]);
  const back = useRef(0);
  const set = (next: string): void => {
    line.current = next;
    setValue(next);
  };
  const submit = (): void => {
    const submitted = line.current;
    if (submitted.trim() !== '') history.current = [...history.current, submitted].slice(-50);
    back.current = 0;
    set('');
    onSubmit(submitted);
  };
  // Text typed fast or pasted arrives as one chunk, keys and all ("hello\r", "/to m\t").
  const typed = (chunk: string): void => {
    const ending = /(\r\n|\r|\n)$/.exec(chunk)?.[0];
    const text = ending === undefined ? chunk : chunk.slice(0, -ending.length);
    let next = line.current;
    for (const character of text.replace(/\r\n|\r|\n/g, ' ')) {
      if (character === '\t') next = onComplete ? onComplete(next) : next;
      else if (character === '\u007F' || character === '\b') next = next.slice(0, -1);
      else if (character >= ' ') next += character;
    }
    set(next);
    if (ending !== undefined) submit();
  };
  useInput(
    (input, key) => {
      if (key.return) {
        submit();
      } else if (key.backspace || key.delete) {
        set(line.current.slice(0, -1));
      } else if (key.escape || (key.ctrl && input === 'u')) {
        set('');
      } else if (key.tab) {
        if (onComplete) set(onComplete(line.current));
      } else if (key.upArrow || key.downArrow) {
        back.current = Math.min(history.current.length, Math.max(0, back.current + (key.upArrow ? 1 : -1)));
        set(back.current === 0 ? '' : (history.current[history.current.length - back.current] ?? ''));
      } else if (!key.ctrl && !key.meta && input !== '') {
        typed(input);
      }
    },
    { isActive },
  );
  return (
    <Text wrap="truncate-start">
      <Text color="cyan" bold>
        {prompt}
      </Text>
      {value}
      <Text inverse> </Text>
    </Text>
  );
}
