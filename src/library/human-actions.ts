import { decideProposal, type Decision } from '../engine/human/decide-proposal.js';
import { readHumanInbox, type HumanInbox } from '../engine/human/human-inbox.js';
import { recipientsWhere } from '../engine/human/recipients.js';
import { sendAddressed, sendManyFromSeat, type AddressedMessage, type SentMessage } from '../engine/human/send-as-human.js';
import { EXIT, LemmingError } from '../errors.js';
import type { Priority } from '../mailbox/message.js';
import { loadOrg } from '../org/load-org-once.js';
import { HUMAN } from '../org/names.js';
import { fromWorkingFolder } from '../invocation.js';

/** A message to send: its recipient and text, and what else the sender says of it. */
export interface Outgoing {
  to: string;
  body: string;
  subject?: string;
  priority?: Priority;
  /** The id of the message this answers. */
  replyTo?: string;
  /** The agent whose outbox the message goes into, as if it had sent it (default: the human). */
  from?: string;
}

/**
 * Send a message as the human (or, with `from`, as an agent): the chart's edges and the caps are
 * checked, and the next turn delivers it. Safe while an engine runs on the org. Throws a
 * LemmingError naming what is wrong (an unknown agent, an edge the chart does not have).
 */
export function send(root: string, message: Outgoing): SentMessage {
  const { to, ...rest } = message;
  return sendToMany(root, { ...rest, to: [to] }).sent[0] as SentMessage;
}

/** Messages alike to many: a list of names, or everyone whose persona matches every condition of `where` (engine/human/recipients.ts). */
export interface OutgoingToMany extends Omit<Outgoing, 'to'> {
  to?: readonly string[];
  /** Persona fields and the values they must have: `{ department: 'sales' }`. */
  where?: Readonly<Record<string, string>>;
}

/**
 * `send` to many, in one load of the org: every recipient is checked against both ends of its
 * edge before any is written (one refused, none sent), then each gets its own message. Returns
 * what was written, and the org's cap on a body (to say when one was cut).
 */
export function sendToMany(root: string, message: OutgoingToMany): { sent: SentMessage[]; maxBodyChars: number } {
  const folder = fromWorkingFolder(root);
  const { org } = loadOrg(folder);
  const { from = HUMAN, to = [], where, ...input } = message;
  const conditions = Object.entries(where ?? {}).map(([field, value]) => ({ field, value }));
  const names = conditions.length > 0 ? [...new Set([...to, ...recipientsWhere(org, from, conditions)])] : [...to];
  if (names.length === 0) throw new LemmingError('no-recipients', 'not sent: name a recipient, a list (`a,b,c`), or `--where FIELD=VALUE`', { exitCode: EXIT.usage });
  return { sent: sendManyFromSeat(folder, org, from, names.map((name) => ({ ...input, to: name })), { anyAgent: true }), maxBodyChars: org.settings.max_body_chars };
}

/** One message of several sent at once (`sendAll`): its own names (`to`, `cc`), text and fields, as a file for `lemming send --file` gives them. */
export type OutgoingMessage = AddressedMessage;

/**
 * Several messages in one load of the org (`lemming send --to a,b --cc c`, `--file` with many files):
 * each message one file with all its names, every name of every message checked against both ends
 * of the chart (or a list's rules) before any is written, and none written unless all pass, as an
 * agent's `send_message` reaches all its names or none. A hundred messages cost one load, one
 * listing of the outbox and one note to the engine.
 */
export function sendAll(root: string, messages: readonly OutgoingMessage[], from: string = HUMAN): { sent: SentMessage[]; maxBodyChars: number } {
  const folder = fromWorkingFolder(root);
  const { org } = loadOrg(folder);
  if (messages.length === 0) throw new LemmingError('no-recipients', 'not sent: there is no message to send', { exitCode: EXIT.usage });
  return { sent: sendAddressed(folder, org, from, messages, { anyAgent: true }), maxBodyChars: org.settings.max_body_chars };
}

/** The human's mail, oldest first, each marked read or unread, and the delivery notices. */
export function inbox(root: string): HumanInbox {
  const folder = fromWorkingFolder(root);
  return readHumanInbox(folder, loadOrg(folder).org);
}

/**
 * Approve a waiting proposal (a hire, a retirement, a tool call): carried out now, or by the
 * engine at its next turn when one holds the org. An approval that could not be carried out comes
 * back with its proposal `failed` (its `reason` what stopped it) and the reason and its file in `summary`.
 */
export async function approve(root: string, id: string): Promise<Decision> {
  return decideProposal(loadOrg(fromWorkingFolder(root)).org, id, 'approve', undefined);
}

/** Reject a waiting proposal, with the reason its proposer is told. */
export async function reject(root: string, id: string, reason?: string): Promise<Decision> {
  return decideProposal(loadOrg(fromWorkingFolder(root)).org, id, 'reject', reason);
}
