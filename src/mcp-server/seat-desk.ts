import { join } from 'node:path';
import { decideProposal } from '../engine/human/decide-proposal.js';
import { markRead, readHumanInbox, type InboxMessage, type InboxNotice } from '../engine/human/human-inbox.js';
import { orgStatus } from '../engine/human/org-status.js';
import { sendAddressed, type AddressedMessage, type SentMessage } from '../engine/human/send-as-human.js';
import { balancesNow } from '../engine/money/transfer.js';
import { deliveredMail } from '../engine/record/taken-files.js';
import { statePaths } from '../engine/record/state-paths.js';
import { LemmingError } from '../errors.js';
import { outboxPath } from '../mailbox/message-file.js';
import { byPriority, type Message } from '../mailbox/message.js';
import { mailAccess, openMail, type DeliveredMail, type MailFile } from '../mailbox/readable-mail.js';
import { HUMAN } from '../org/names.js';
import { mayReadList } from '../org/lists/mailing-list.js';
import { listsOfOnePlan, readerCheckOf } from '../org/lists/recipients.js';
import { loadOrgForReading } from '../org/load-org-once.js';
import type { Org } from '../org/org.js';
import { decisionLine } from '../tools/proposals/proposal.js';
import { withApprovalNotes } from '../engine/human/check-proposal.js';
import { listProposals } from '../tools/proposals/proposal-store.js';
import type { IndexedMessage } from '../web/search/indexed-message.js';
import { MessageIndex } from '../web/search/message-index.js';
import { checkSeat } from './seat.js';

/** A message as an outside program reads it: its header, its body, and where it lies. */
export type ReadMessage = Omit<Message, 'usage'> & { file: string };

/**
 * What an outside program can do from one seat, the same way the person can from the CLI: read
 * its inbox, read a message, send (to whom the chart lets it, within the cap of a turn; the engine
 * delivers it at its next turn), search, follow a thread, see where the org stands; and, from
 * the human's seat only, decide proposals. Every call reads the org's files afresh. Every seat, the
 * human's too, reads only what was delivered to it or sent by it, by the rule an agent's
 * read_message follows (mailbox/readable-mail.ts): not a file the chart refused, nor one not taken in yet,
 * nor a letter to it the chart no longer lets it read, in every tool alike.
 */
export class SeatDesk {
  constructor(
    readonly root: string,
    /** The seat asked for (undefined: the human's), checked at every call. */
    private readonly asked?: string,
  ) {}

  /** The org now, and the seat, still granted. */
  private open(): { org: Org; seat: string } {
    const { org } = loadOrgForReading(this.root);
    return { org, seat: checkSeat(org, this.asked) };
  }

  /** The seat's name (checked). */
  seat(): string {
    return this.open().seat;
  }

  /** Unread mail and notices (or all of them), most urgent first and oldest first within a priority, marked read unless asked not to. */
  inbox(options: { all?: boolean; markRead?: boolean; limit?: number } = {}): { seat: string; messages: InboxMessage[]; notices: InboxNotice[]; more: number } {
    const { org, seat } = this.open();
    const inbox = readHumanInbox(this.root, org, seat);
    // The chart's edges let it through; whether the engine has delivered it is the record's to say, for the human's
    // seat as for any: what read_message opens. Before, the human's listed a letter no turn had taken in yet, which
    // read_message then said it had none of. `lemming inbox` and the chat, the person at the org's files, show it at once.
    const delivered = inbox.messages.filter(this.readable(seat));
    const messages = byPriority(options.all ? delivered : delivered.filter((message) => message.unread));
    const notices = options.all ? inbox.notices : inbox.notices.filter((notice) => notice.unread);
    const limit = options.limit ?? 20;
    // The most urgent, then the oldest first: what is not shown now is shown at the next look, since it stays unread.
    const shown = messages.slice(0, limit);
    if (options.markRead !== false) markRead(this.root, org, [...shown.map((message) => message.id), ...notices.map((notice) => notice.id)], seat);
    return { seat, messages: shown, notices, more: messages.length - shown.length };
  }

  /** One message in full, by id: what an agent's read_message would open for the seat, the human's alike. */
  message(id: string): ReadMessage {
    const { org, seat } = this.open();
    const opened = openMail(this.root, seat, id, this.delivered(), org.settings.max_body_chars, (list, reader) => mayReadList(this.root, org, list, reader), readerCheckOf(org, seat));
    if ('unreadable' in opened) throw new LemmingError('unreadable', `message ${id} cannot be read now: it ${opened.unreadable}`);
    if ('closed' in opened) throw closedError(id, opened.closed);
    if ('none' in opened && opened.none === 'never-delivered') {
      throw new LemmingError('not-found', `${id} was never delivered: lemming refused or skipped it (your inbox's notices say why), or has not taken it in yet`);
    }
    if ('none' in opened) throw notReadable(id);
    const { file, message: read } = opened;
    const { usage: _usage, ...message } = read;
    return { ...message, file: `${outboxPath(file.sender)}/${file.name}` };
  }

  /** Send from the seat, addressed as `lemming send --to a,b --cc c` addresses it: its edges, the cap of a turn, delivered by the engine's next turn. */
  send(input: AddressedMessage): { id: string; file: string; to: string; alsoTo?: string[]; cc?: string[]; cutCharacters: number } {
    const { org, seat } = this.open();
    const [sent] = sendAddressed(this.root, org, seat, [input], { perTurnCap: true }) as [SentMessage];
    const { message } = sent;
    return { id: message.id, file: sent.file, to: message.to, ...(message.alsoTo ? { alsoTo: message.alsoTo } : {}), ...(message.cc ? { cc: message.cc } : {}), cutCharacters: sent.cutCharacters };
  }

  /** Full-text search, best first, of the messages the seat may read. */
  search(query: string, filter: { from?: string; to?: string; limit?: number } = {}): { total: number; hits: IndexedMessage[] } {
    const { seat } = this.open();
    const limit = Math.min(filter.limit ?? 20, 100);
    const readable = this.readable(seat);
    const found = MessageIndex.open(this.root).findPage(query, { ...(filter.from ? { from: filter.from } : {}), ...(filter.to ? { to: filter.to } : {}) }, limit, readable);
    return { total: found.total, hits: found.hits.map(({ score: _score, ...hit }) => hit) };
  }

  /**
   * The conversation a message belongs to, oldest first, as far as the seat may read it. Asked by the id of a
   * message the seat may not read, it answers as read_message does (not found, or closed with why), never with the
   * rest of the thread: that would tell the seat the message exists and whose conversation it is in.
   */
  thread(id: string): Array<IndexedMessage & { depth: number }> {
    const { seat } = this.open();
    const access = this.access(seat);
    const whole = MessageIndex.open(this.root).thread(id);
    const asked = whole.find((message) => message.id === id);
    const said = asked === undefined ? 'none' : access(asked);
    if (typeof said === 'object') throw closedError(id, said.closed);
    if (said === 'none') throw notReadable(id);
    return whole.filter((message) => access(message) === 'open');
  }

  /** Where the org stands: the human's seat sees every agent, as `lemming status` does; another seat its own place. */
  status(): unknown {
    const { org, seat } = this.open();
    const status = orgStatus(org);
    if (seat === HUMAN) return status;
    const agent = org.agents.get(seat);
    const audience = (names: '*' | ReadonlySet<string>) => (names === '*' ? ['*'] : [...names].sort());
    return {
      org: status.org,
      turn: status.turn,
      running: status.running !== undefined,
      seat,
      title: agent?.title,
      reportsTo: agent?.reportsTo,
      sendTo: agent ? audience(agent.sendTo) : [],
      readFrom: agent ? audience(agent.readFrom) : [],
      agents: status.agents.map(({ name, title }) => ({ name, title })),
    };
  }

  /** Proposals waiting for the human (with `all`, decided ones too). The human's seat only. */
  approvals(all = false): Array<{ id: string; status: string; proposedBy: string; turn: number; what: string; file: string }> {
    const { org } = this.humanOnly('see proposals');
    const { proposals } = listProposals(this.root);
    const balanceOf = balancesNow(org);
    return withApprovalNotes(
      proposals.filter((proposal) => all || proposal.status === 'pending'),
      () => org,
    ).map((proposal) => ({ id: proposal.id, status: proposal.status, proposedBy: proposal.proposed_by, turn: proposal.turn, what: decisionLine(proposal, balanceOf), file: join('org', 'proposals', `${proposal.id}.md`) }));
  }

  /** Approve or reject a proposal, as `lemming approve`/`reject` do. The human's seat only. */
  async decide(id: string, verdict: 'approve' | 'reject', reason?: string): Promise<string> {
    const { org } = this.humanOnly('decide proposals');
    return (await decideProposal(org, id, verdict, reason)).summary;
  }

  private humanOnly(what: string): { org: Org } {
    const { org, seat } = this.open();
    if (seat !== HUMAN) throw new LemmingError('refused', `only the human's seat may ${what}; this is ${seat}'s`);
    return { org };
  }

  /** Whether the seat may read a message (`access`, open). */
  private readable(seat: string): (message: Pick<IndexedMessage, 'id' | 'from' | 'to' | 'others' | 'file'>) => boolean {
    const access = this.access(seat);
    return (message) => access(message) === 'open';
  }

  /**
   * How the seat may read a message, the human's as any other's: as the one rule of an agent's read_message
   * says (mailbox/readable-mail.ts, mailAccess: delivered, the chart and the lists as they are now, a list's
   * `archive:` for a post opened by id, with why a message of its own is closed). Before, the human's seat
   * had a rule of its own (the inbox's, engine/human/seat-reading.ts): it never opened a post its `archive:`
   * let it, and said a letter it could no longer read was not found. For one call: the record and the lists are read once.
   */
  private access(seat: string): (message: Pick<IndexedMessage, 'id' | 'from' | 'to' | 'others' | 'file'>) => ReturnType<typeof mailAccess> {
    const org = loadOrgForReading(this.root).org;
    const delivered = this.delivered();
    const readerCheck = readerCheckOf(org, seat, listsOfOnePlan(org));
    // The index keeps everyone past the first recipient as `others`: the rest of to: and cc: alike.
    return (message) =>
      mailAccess(seat, { ...message, ...(message.others ? { alsoTo: message.others } : {}) }, mailFile(message), delivered, (list, reader) => mayReadList(this.root, org, list, reader), readerCheck);
  }

  /** What the engine's record says was delivered, brought up to date at each call, as the org's files are read afresh (only what was appended is read). */
  private delivered(): DeliveredMail {
    return deliveredMail(statePaths(this.root).taken, []);
  }
}

/** A message the seat may not read, or that no outbox holds: said alike, by every tool that opens one by id, so the answer tells nothing of which. */
function notReadable(id: string): LemmingError {
  return new LemmingError('not-found', `no message you can read has the id ${JSON.stringify(id)}; ids look like 000012-manager-001 (your inbox lists them)`);
}

/** A message of the seat's that the chart or the lists no longer let it read: said with why, by every tool that opens one by id. */
function closedError(id: string, why: string): LemmingError {
  return new LemmingError('not-found', `message ${id} cannot be read now: ${why}`);
}

/** The outbox and name of a message listed with its file (`agents/<sender>/outbox/<name>`): the outbox is its sender's, whatever it claims. */
function mailFile(message: Pick<IndexedMessage, 'from' | 'file'>): MailFile {
  return { sender: message.from, name: message.file.slice(message.file.lastIndexOf('/') + 1) };
}
