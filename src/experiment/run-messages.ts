import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { listMessageFiles, readMessageFile } from '../mailbox/message-file.js';
import type { Message } from '../mailbox/message.js';
import { HUMAN } from '../org/names.js';

/** The biggest body a check or a judge reads of one message. */
const MAX_BODY_CHARS = 200_000;

/** Every message of a finished run, through the mailbox's one reader, in turn order (then by id). */
export function runMessages(root: string): Message[] {
  const messages: Message[] = [];
  let agents: string[];
  try {
    agents = readdirSync(join(root, 'agents')).sort();
  } catch {
    return [];
  }
  for (const agent of agents) {
    for (const name of listMessageFiles(root, agent)) {
      const read = readMessageFile(root, agent, name, 0, MAX_BODY_CHARS);
      if ('message' in read) messages.push(read.message);
    }
  }
  return messages.sort((left, right) => left.turn - right.turn || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0));
}

/** The human's answer: the body of the last message an agent sent the human; undefined when none did. */
export function humanAnswer(messages: readonly Message[]): Message | undefined {
  return messages.filter((message) => message.to === HUMAN && message.from !== HUMAN).at(-1);
}

/** The whole thread as one text, oldest first: who wrote to whom in which turn, and what. */
export function threadText(messages: readonly Message[]): string {
  return messages.map((message) => `## turn ${message.turn}: ${message.from} → ${message.to}${message.subject ? `: ${message.subject}` : ''}\n\n${message.body.trim()}\n`).join('\n');
}
