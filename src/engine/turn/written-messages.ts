import type { Message } from '../../mailbox/message.js';
import { forgetAtNextCommand } from '../../invocation.js';

/**
 * Messages this process wrote and no one has read yet, by file (relative to the
 * org root). The next turn reads them from here instead of parsing the files it
 * just wrote; a fresh process, or a miss, reads the file as usual.
 */
const written = new Map<string, Message>();
const LIMIT = 50_000;
// A command run in-process reads the files, as a new process would: a person may have edited one since (src/invocation.ts).
forgetAtNextCommand(() => written.clear());

/**
 * Keep a message this process just wrote (`file` relative to the root) for `takeWritten`; all
 * are forgotten past 50,000.
 */
export function rememberWritten(root: string, file: string, message: Message): void {
  if (written.size >= LIMIT) written.clear();
  written.set(`${root}\n${file}`, message);
}

/** The message written to `file`, once: reading it forgets it. */
export function takeWritten(root: string, file: string): Message | undefined {
  const key = `${root}\n${file}`;
  const message = written.get(key);
  if (message) written.delete(key);
  return message;
}
