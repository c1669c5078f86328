import { loadState } from '../../engine/engine-state.js';
import { markRead, readHumanInbox, readHumanSent, type InboxNotice } from '../../engine/human-inbox.js';
import { orgStatus, type OrgStatus } from '../../engine/org-status.js';
import { sendAsHuman } from '../../engine/send-as-human.js';
import { statePaths } from '../../engine/state-paths.js';
import { outboxPath } from '../../mailbox/message-file.js';
import { messageFileName } from '../../mailbox/message.js';
import { OrgLoader } from '../../org/load-org.js';
import { HUMAN } from '../../org/names.js';
import type { Org } from '../../org/org.js';
import { checkEdge, reachableFrom, type Verdict } from '../../org/permissions.js';
import type { ChatMessage } from './conversation.js';

/** What the chat reads and writes, all through the engine's functions; tests pass an in-memory one. */
export interface ChatBackend {
  /** The org's name and its last finished turn. */
  describe(): { org: string; turn: number };
  /** The agents the chart lets the human write to (both ends of the edge agree). */
  recipients(): string[];
  check(to: string): Verdict;
  /** Every message to or from the human, with unread marks. */
  messages(): ChatMessage[];
  notices(): InboxNotice[];
  /** Write a message as the human; throws a LemmingError with the reason when it cannot. */
  send(message: { to: string; body: string; replyTo?: string }): { id: string; file: string };
  markRead(ids: string[]): void;
  status(): OrgStatus;
}

/**
 * The chat over an org root. The org is reloaded on every look (a stat per file when
 * nothing changed), so a chart edited during the chat is obeyed at once; a broken
 * edit leaves the last valid version in force, as it does for the engine.
 */
export function fileChatBackend(root: string): ChatBackend {
  const loader = new OrgLoader(root);
  const org = (): Org => loader.loadOrThrow().org as Org;
  return {
    describe: () => ({ org: org().name, turn: loadState(statePaths(root).state).turn }),
    recipients: () => reachableFrom(org(), HUMAN),
    check: (to) => checkEdge(org(), HUMAN, to),
    messages() {
      const current = org();
      const received = readHumanInbox(root, current).messages.map((message) => toChatMessage(message, message.file, message.unread));
      const sent = readHumanSent(root).map((message) => toChatMessage(message, sentFile(message), false));
      return [...sent, ...received];
    },
    notices: () => readHumanInbox(root, org()).notices,
    send(message) {
      const sent = sendAsHuman(root, org(), { to: message.to, body: message.body, ...(message.replyTo !== undefined ? { replyTo: message.replyTo } : {}) });
      return { id: sent.message.id, file: sent.file };
    },
    markRead: (ids) => markRead(root, ids),
    status: () => orgStatus(org()),
  };
}

function toChatMessage(
  message: { id: string; from: string; to: string; turn: number; created: string; subject?: string; body: string; replyTo?: string },
  file: string,
  unread: boolean,
): ChatMessage {
  const chat: ChatMessage = { id: message.id, from: message.from, to: message.to, turn: message.turn, created: message.created, body: message.body, file, unread };
  if (message.subject !== undefined) chat.subject = message.subject;
  if (message.replyTo !== undefined) chat.replyTo = message.replyTo;
  return chat;
}

/** The human's own message file, from its id (`000003-human-001`); a hand-named file is pointed to by its folder. */
function sentFile(message: { id: string; turn: number; to: string }): string {
  const seq = /-(\d{3,})$/.exec(message.id)?.[1];
  return seq === undefined ? outboxPath(HUMAN) : `${outboxPath(HUMAN)}/${messageFileName(message.turn, Number(seq), message.to)}`;
}
