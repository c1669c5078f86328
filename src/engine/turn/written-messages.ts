import type { Message } from '../../mailbox/message.js';
import { forgetAtNextCommand } from '../../invocation.js';

/**
 * Messages this process wrote and no one has read yet, by file (relative to the
 * org root). The next turn reads them from here instead of parsing the files it
 * just wrote; a fresh process, or a miss, reads the file as usual.
 */
const written = new Map<string, Map<string, Message>>();
let count = 0;
const LIMIT = 50_000;
// A command run in-process reads the files, as a new process would: a person may have edited one since (src/invocation.ts).
forgetAtNextCommand(() => forgetAll());

function forgetAll(): void {
  written.clear();
  count = 0;
}

/**
 * Keep a message this process just wrote (`file` relative to the root) for `takeWritten`; all
 * are forgotten past 50,000. Kept by root then file, not by a key made of both: a key made anew
 * at each look is a string hashed anew, twice an agent a turn.
 */
export function rememberWritten(root: string, file: string, message: Message): void {
  if (count >= LIMIT) forgetAll();
  let files = written.get(root);
  if (!files) written.set(root, (files = new Map()));
  if (!files.has(file)) count += 1;
  files.set(file, message);
}

/** The message written to `file`, once: reading it forgets it. */
export function takeWritten(root: string, file: string): Message | undefined {
  const files = written.get(root);
  const message = files?.get(file);
  if (message && files?.delete(file)) count -= 1;
  return message;
}
