import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import { listMessageFiles, outboxPath, readMessageFile } from '../../mailbox/message-file.js';
import { parseMessageFileName, type Message } from '../../mailbox/message.js';
import { HUMAN } from '../../org/names.js';
import type { Org } from '../../org/org.js';
import { checkEdge } from '../../org/permissions.js';
import { loadState } from '../record/engine-state.js';
import { statePaths } from '../record/state-paths.js';

/** A message to the human, with where it lies and whether they have read it. */
export interface InboxMessage extends Message {
  /** The message file, relative to the org root. */
  file: string;
  unread: boolean;
}

/** A notice from the engine to the human (a refused send, an agent out of credits), with its read mark. */
export interface InboxNotice {
  id: string;
  turn: number;
  subject: string;
  body: string;
  unread: boolean;
}

/** What `readHumanInbox` returns: messages oldest first, and the engine's notices for the human. */
export interface HumanInbox {
  messages: InboxMessage[];
  notices: InboxNotice[];
}

/** Every message the chart lets reach the human, oldest first, each marked read or unread. */
export function readHumanInbox(root: string, org: Org): HumanInbox {
  const read = readMarks(root);
  const messages: InboxMessage[] = [];
  for (const sender of org.agents.keys()) {
    if (sender === HUMAN || !checkEdge(org, sender, HUMAN).allowed) continue;
    for (const name of listMessageFiles(root, sender)) {
      const parsedName = parseMessageFileName(name);
      if (parsedName && parsedName.to !== HUMAN) continue;
      const result = readMessageFile(root, sender, name, 0, org.settings.max_body_chars);
      if ('error' in result || result.message.to !== HUMAN) continue;
      messages.push({ ...result.message, file: `${outboxPath(sender)}/${name}`, unread: !read.has(result.message.id) });
    }
  }
  messages.sort((left, right) => left.turn - right.turn || left.created.localeCompare(right.created) || left.id.localeCompare(right.id));
  return { messages, notices: noticesFor(root, read) };
}

/** The engine's notices for the human, each marked read or unread; reads no message file. */
export function readHumanNotices(root: string): InboxNotice[] {
  return noticesFor(root, readMarks(root));
}

function noticesFor(root: string, read: ReadonlySet<string>): InboxNotice[] {
  return loadState(statePaths(root).state).humanNotices.map((notice) => ({ ...notice, unread: !read.has(notice.id) }));
}

/** Messages sent by the human, oldest first, with their files: the other half of each conversation. Never unread. */
export function readHumanSent(root: string, org: Org): InboxMessage[] {
  return listMessageFiles(root, HUMAN).flatMap((name) => {
    const result = readMessageFile(root, HUMAN, name, 0, org.settings.max_body_chars);
    return 'error' in result ? [] : [{ ...result.message, file: `${outboxPath(HUMAN)}/${name}`, unread: false }];
  });
}

function readMarks(root: string): Set<string> {
  try {
    const data = JSON.parse(readFileSync(statePaths(root).humanRead, 'utf8')) as { read?: unknown };
    return new Set(Array.isArray(data.read) ? data.read.filter((id): id is string => typeof id === 'string') : []);
  } catch {
    return new Set();
  }
}

/** What `markRead` did: the ids it recorded, and those it left out because no message or notice of the human's has them. */
export interface MarkedRead {
  read: string[];
  unknown: string[];
}

/**
 * Mark messages and notices as read by the human. Only ids of the human's own inbox (the messages
 * the chart lets reach them, the engine's notices) are recorded: the file is committed with the
 * org, so a made-up id, from a typo or from anyone who can reach the dashboard's API, must never
 * be kept. Kept apart from the engine's state, so it never races the engine; nothing is written
 * when nothing new is marked.
 */
export function markRead(root: string, org: Org, ids: readonly string[]): MarkedRead {
  if (ids.length === 0) return { read: [], unknown: [] };
  const inbox = readHumanInbox(root, org);
  const known = new Set<string>([...inbox.messages.map((message) => message.id), ...inbox.notices.map((notice) => notice.id)]);
  const wanted = [...new Set(ids)];
  const read = wanted.filter((id) => known.has(id));
  const unknown = wanted.filter((id) => !known.has(id));
  const marks = readMarks(root);
  const fresh = read.filter((id) => !marks.has(id));
  if (fresh.length > 0) {
    for (const id of fresh) marks.add(id);
    writeFileAtomic(statePaths(root).humanRead, `${JSON.stringify({ read: [...marks].sort() })}\n`);
  }
  return { read, unknown };
}
