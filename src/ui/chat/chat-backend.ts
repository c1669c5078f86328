import { decideProposal } from '../../engine/human/decide-proposal.js';
import type { WaitingProposal } from '../../tools/proposals/proposal.js';
import { withApprovalNotes } from '../../engine/human/check-proposal.js';
import { listProposals } from '../../tools/proposals/proposal-store.js';
import type { Problem } from '../../errors.js';
import { stateTurn } from '../../engine/record/state-store.js';
import { markRead, readHumanInbox, readHumanNotices, readHumanSent, type InboxNotice } from '../../engine/human/human-inbox.js';
import { orgStatus, type OrgStatus } from '../../engine/human/org-status.js';
import { cutSaying, sendAsHuman } from '../../engine/human/send-as-human.js';
import { statePaths } from '../../engine/record/state-paths.js';
import { OrgLoader } from '../../org/load-org.js';
import { HUMAN } from '../../org/names.js';
import type { Org } from '../../org/org.js';
import { recipientVerdict, writableFrom } from '../../org/lists/recipients.js';
import type { Verdict } from '../../org/permissions.js';
import type { ChatMessage } from './conversation.js';

/** What the chat reads and writes, all through the engine's functions; tests pass an in-memory one. */
export interface ChatBackend {
  /** The org's name and its last finished turn. */
  describe(): { org: string; turn: number };
  /** What is wrong with the org's files now: the chat works on with each file's valid part. */
  problems(): Problem[];
  /** The agents the chart lets the human write to (both ends of the edge agree), then the lists it may post to. */
  recipients(): string[];
  check(to: string): Verdict;
  /** Every message to or from the human, with unread marks. */
  messages(): ChatMessage[];
  notices(): InboxNotice[];
  /** Write a message as the human; throws a LemmingError with the reason when it cannot. `cut` says what was cut of a body past `engine.max_body_chars`. */
  send(message: { to: string; body: string; replyTo?: string }): { id: string; file: string; cut?: string };
  markRead(ids: string[]): void;
  status(): OrgStatus;
  /** Proposals waiting for the human, each with what approving it edits or why it cannot be approved; absent where a backend has none to offer. */
  proposals?(): WaitingProposal[];
  /** Approve or reject a proposal, as `lemming approve`/`reject` do; resolves to what was done. */
  decide?(id: string, verdict: 'approve' | 'reject', reason?: string): Promise<string>;
}

/**
 * The chat over an org root. The org is reloaded on every look (a stat per file when
 * nothing changed), so a chart edited during the chat is obeyed at once; a broken
 * edit leaves the last valid version in force, as it does for the engine, and a chat
 * opened on broken files works with what is valid.
 */
export function fileChatBackend(root: string): ChatBackend {
  const loader = new OrgLoader(root);
  const org = (): Org => loader.load().org;
  return {
    problems: () => loader.load().problems,
    describe: () => ({ org: org().name, turn: stateTurn(statePaths(root).state) }),
    recipients: () => writableFrom(org(), HUMAN),
    check: (to) => recipientVerdict(org(), HUMAN, to),
    messages: () => [...readHumanSent(root, org()), ...readHumanInbox(root, org()).messages],
    notices: () => readHumanNotices(root),
    send(message) {
      const current = org();
      const sent = sendAsHuman(root, current, { to: message.to, body: message.body, ...(message.replyTo !== undefined ? { replyTo: message.replyTo } : {}) });
      return { id: sent.message.id, file: sent.file, ...(sent.cutCharacters > 0 ? { cut: cutSaying(message.body.length, current.settings.max_body_chars, sent.cutCharacters) } : {}) };
    },
    markRead: (ids) => markRead(root, org(), ids),
    status: () => orgStatus(org()),
    proposals: () => withApprovalNotes(listProposals(root).proposals.filter((proposal) => proposal.status === 'pending'), org),
    decide: async (id, verdict, reason) => (await decideProposal(org(), id, verdict, reason)).summary,
  };
}
