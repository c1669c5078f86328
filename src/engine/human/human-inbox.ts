import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import { listMessageFiles, outboxPath, readMessageFile } from '../../mailbox/message-file.js';
import { parseMessageFileName, type Message } from '../../mailbox/message.js';
import { HUMAN } from '../../org/names.js';
import type { Org } from '../../org/org.js';
import { SeatReading } from './seat-reading.js';
import { takeLockFileWaiting } from '../record/lock.js';
import { loadState } from '../record/state-store.js';
import { statePaths } from '../record/state-paths.js';
import { readSavedJson } from '../../storage/read-own-file.js';

/** A message to the human, with where it lies and whether they have read it. */
export interface InboxMessage extends Message {
  /** The message file, relative to the org root. */
  file: string;
  unread: boolean;
  /** The mailing list through which the seat reads it, when the message names the list and not the seat. */
  via?: string;
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

/**
 * Every message the chart lets reach the human, oldest first, each marked read or unread: those that
 * name the seat (both ends of the edge agree), and the posts to each mailing list it is a member of
 * from those the list lets post (org/lists/recipients.ts), marked with the list (`via`). `seat` names
 * another person's seat (an agent with `model: human`, which an outside program may take through
 * `lemming mcp --as`): its mail, the engine's notices to it, and its own read marks.
 */
export function readHumanInbox(root: string, org: Org, seat = HUMAN): HumanInbox {
  const read = readMarks(root, seat);
  const messages: InboxMessage[] = [];
  const reading = new SeatReading(org, seat);
  for (const sender of org.agents.keys()) {
    if (sender === seat) continue;
    const { direct, via } = reading.from(sender);
    if (!direct && via.length === 0) continue;
    for (const name of listMessageFiles(root, sender)) {
      const parsedName = parseMessageFileName(name);
      // A name for one other person or list is skipped unread; a message to several may copy the seat.
      if (parsedName && parsedName.others === 0 && parsedName.to !== seat && !via.includes(parsedName.to)) continue;
      const result = readMessageFile(root, sender, name, 0, org.settings.max_body_chars);
      if ('error' in result) continue;
      const reads = reading.reads(sender, result.message);
      if (reads === undefined) continue;
      messages.push({ ...result.message, file: `${outboxPath(sender)}/${name}`, unread: !read.has(result.message.id), ...reads });
    }
  }
  messages.sort((left, right) => left.turn - right.turn || left.created.localeCompare(right.created) || left.id.localeCompare(right.id));
  return { messages, notices: noticesFor(root, read, seat) };
}

/** The engine's notices for the human, each marked read or unread; reads no message file. */
export function readHumanNotices(root: string): InboxNotice[] {
  return noticesFor(root, readMarks(root, HUMAN), HUMAN);
}

/** The human's notices are kept apart; another person seat's wait among the mail no one calls it for. */
function noticesFor(root: string, read: ReadonlySet<string>, seat: string): InboxNotice[] {
  const state = loadState(statePaths(root).state);
  if (seat === HUMAN) return state.humanNotices.map((notice) => ({ ...notice, unread: !read.has(notice.id) }));
  return state.pending.flatMap((item) =>
    item.kind === 'notice' && item.to === seat ? [{ id: item.id, turn: item.turn, subject: item.subject, body: item.body, unread: !read.has(item.id) }] : [],
  );
}

/** Messages sent by the human (or `seat`), oldest first, with their files: the other half of each conversation. Never unread. */
export function readHumanSent(root: string, org: Org, seat = HUMAN): InboxMessage[] {
  return listMessageFiles(root, seat).flatMap((name) => {
    const result = readMessageFile(root, seat, name, 0, org.settings.max_body_chars);
    return 'error' in result ? [] : [{ ...result.message, file: `${outboxPath(seat)}/${name}`, unread: false }];
  });
}

/** Where a seat's read marks are kept: `human-read.json` for the human, `seat-read/<seat>.json` for another person seat. */
function readMarksPath(root: string, seat: string): string {
  const paths = statePaths(root);
  return seat === HUMAN ? paths.humanRead : join(paths.directory, 'seat-read', `${seat}.json`);
}

function readMarks(root: string, seat: string): Set<string> {
  try {
    const data = readSavedJson<{ read?: unknown }>(readMarksPath(root, seat)) ?? {};
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
export function markRead(root: string, org: Org, ids: readonly string[], seat = HUMAN): MarkedRead {
  if (ids.length === 0) return { read: [], unknown: [] };
  const inbox = readHumanInbox(root, org, seat);
  const known = new Set<string>([...inbox.messages.map((message) => message.id), ...inbox.notices.map((notice) => notice.id)]);
  const wanted = [...new Set(ids)];
  const read = wanted.filter((id) => known.has(id));
  const unknown = wanted.filter((id) => !known.has(id));
  // Nothing new to mark: nothing is written (nor locked).
  const before = readMarks(root, seat);
  if (read.every((id) => before.has(id))) return { read, unknown };
  // Read, merged and written by one process at a time: two marking at once (two dashboards, the page and
  // `lemming inbox`) each read the file, and the later write dropped the marks of the earlier one.
  const lock = takeLockFileWaiting(statePaths(root).readMarksLock, 'inbox', (holder, where) => `the read marks are being changed by ${where} (\`lemming ${holder.command}\`, since ${holder.started}); try again`);
  try {
    const marks = readMarks(root, seat);
    const fresh = read.filter((id) => !marks.has(id));
    if (fresh.length > 0) {
      for (const id of fresh) marks.add(id);
      const path = readMarksPath(root, seat);
      if (seat !== HUMAN) mkdirSync(dirname(path), { recursive: true });
      writeFileAtomic(path, `${JSON.stringify({ read: [...marks].sort() })}\n`);
    }
  } finally {
    lock.release();
  }
  return { read, unknown };
}
