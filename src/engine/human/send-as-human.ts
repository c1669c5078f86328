import { join } from 'node:path';
import { recordChange } from '../../org/changes/change-log.js';
import { EXIT, LemmingError } from '../../errors.js';
import { createFileAtomic } from '../../storage/atomic-write.js';
import { formatMessage } from '../../mailbox/message-format.js';
import { listMessageFiles, messageExists, outboxPath } from '../../mailbox/message-file.js';
import { claimSequences } from '../../mailbox/sequence-claims.js';
import { addressOf, MAX_RECIPIENTS, messageFileName, PRIORITIES, messageId, parseMessageFileName, recipientsOf, type Message, type Priority } from '../../mailbox/message.js';
import { asMessageBody, capBody, capSubject, charactersOverCap, quoteName } from '../../mailbox/message-text.js';
import { HUMAN, isValidAgentName } from '../../org/names.js';
import type { Org } from '../../org/org.js';
import { requireOwnFolders } from '../../org/own-folders.js';
import { refusedNames } from '../../org/lists/recipients.js';
import { agentsNamed, requireAgent } from '../../org/must-exist.js';
import { stateTurn } from '../record/state-store.js';
import { statePaths } from '../record/state-paths.js';
import { crashPoint } from '../record/crash-points.js';

/** A message the person sends with `sendAsHuman`. */
export interface HumanMessage {
  /** The first recipient (an agent or a mailing list). */
  to: string;
  /** The rest of `to:`, when it names several: one message, one file, read by each. */
  alsoTo?: string[];
  /** Copies (`cc:`), read by each name as the recipients read it. */
  cc?: string[];
  body: string;
  subject?: string;
  priority?: Priority;
  /** The id of the message this answers. */
  replyTo?: string;
  /** Where the message was written (a file of `lemming send --file`): its refusals name it. */
  source?: string;
}

/** What `sendAsHuman` wrote. */
export interface SentMessage {
  message: Message;
  /** The message file, relative to the org root. */
  file: string;
  /** Characters cut from the end of a body longer than `engine.max_body_chars`; 0 when it fitted. */
  cutCharacters: number;
}

/**
 * Write a message from the person (`human`) into their outbox, after checking both
 * ends of the edge and that a `replyTo` names a message that exists. It carries the last
 * finished turn, so the next turn delivers it. A body past `engine.max_body_chars` and a
 * subject past its cap (mailbox/message-text.ts) are cut as an agent's would be, and say so.
 * Safe to call while an engine runs: the file appears whole, under a name no one else takes.
 */
export function sendAsHuman(root: string, org: Org, input: HumanMessage, now = new Date()): SentMessage {
  return sendFromSeat(root, org, HUMAN, input, {}, now);
}

/**
 * What a person is told of a text cut to `engine.max_body_chars`, wherever they sent it (`lemming send`,
 * `lemming chat`): how long it was, the cap and its setting, how much was cut, and that the message says so.
 */
export function cutSaying(textCharacters: number, maxBodyChars: number, cutCharacters: number): string {
  return `the text was ${textCharacters} characters; messages are capped at ${maxBodyChars} (org.yaml engine.max_body_chars), so the last ${cutCharacters} were cut and the message says so`;
}

/** How a person's send is held to the rules an agent's is: for sends from outside programs (`lemming mcp`). */
export interface SeatRules {
  /**
   * At most `engine.max_messages_per_turn` messages between two turns, as an agent may send in one:
   * an outside program in a loop cannot flood the org.
   */
  perTurnCap?: boolean;
  /**
   * Any member's outbox, not only a person's: an experiment's intervention speaks as an agent. The
   * message is checked against the same edges here and again when the engine delivers it.
   */
  anyAgent?: boolean;
}

/**
 * `sendAsHuman` from any person's seat (an agent with `model: human`: the human's, or one org.yaml
 * `outside_seats` grants to outside programs): the same checks of both ends of the edge, the same
 * caps, and a file in that seat's outbox that the engine delivers at its next turn like any send.
 */
export function sendFromSeat(root: string, org: Org, seat: string, input: HumanMessage, rules: SeatRules = {}, now = new Date()): SentMessage {
  return sendManyFromSeat(root, org, seat, [input], rules, now)[0] as SentMessage;
}

/** A message as a person addresses it: every name of `to` and the copies, one file read by each. */
export interface AddressedMessage extends Omit<HumanMessage, 'to' | 'alsoTo' | 'cc'> {
  /** Every name of `to:` (an agent or a mailing list), in the order written. */
  to: readonly string[];
  /** Copies (`cc:`), read by each name as the recipients read it. */
  cc?: readonly string[];
}

/**
 * `sendManyFromSeat` of messages addressed to several names each: the one way `lemming send --to a,b
 * --cc c` (and `--file`), `POST /api/send` and the MCP seat's `send_message` address a message, so a
 * copy reaches its reader (or the send is refused, naming it) whichever of them sent it.
 */
export function sendAddressed(root: string, org: Org, seat: string, messages: readonly AddressedMessage[], rules: SeatRules = {}): SentMessage[] {
  const inputs = messages.map(({ to, cc, ...rest }) => {
    if (to.length === 0) throw new LemmingError('no-recipients', 'not sent: name a recipient in to, for example `--to planner` or `to: planner`', { exitCode: EXIT.usage });
    const address = addressOf(to, cc);
    return { ...rest, to: address.to, ...(address.alsoTo ? { alsoTo: address.alsoTo } : {}), ...(address.cc ? { cc: address.cc } : {}) };
  });
  return sendManyFromSeat(root, org, seat, inputs, rules);
}

/**
 * `sendFromSeat` of several messages at once (`lemming send a,b,c`, `--where`): every message is
 * checked first (each recipient against both ends of its edge, as a single send is) and none is
 * written unless all pass; then each is its own file in the seat's outbox, numbered on from one
 * listing of it, and the engine is told once. A send to many costs the messages, not the org.
 */
export function sendManyFromSeat(root: string, org: Org, seat: string, inputs: readonly HumanMessage[], rules: SeatRules = {}, now = new Date()): SentMessage[] {
  if (!org.agents.has(seat) && seat === HUMAN) throw new LemmingError('no-human', 'this org has no human agent: add agents/human/resume.md with `model: human` and a place in org/chart.yaml');
  // `--from NAME` naming no agent is a mistyped command, refused as every command refuses one.
  const sender = requireAgent(org, seat);
  if (!sender.isHuman && !rules.anyAgent) throw new LemmingError('not-a-person', `${seat} is called by the engine (model ${sender.models.join(', ')}): only a person's seat (\`model: human\`) sends this way`);
  const refused: string[] = [];
  // A name that is no agent and no list is a mistake of the command's (exit 2, with the agents there are); the chart's refusals exit 1.
  let unknown = false;
  for (const input of inputs) {
    const everyone = recipientsOf(input);
    if (everyone.length > MAX_RECIPIENTS) {
      throw new LemmingError('too-many-recipients', `not sent: one message names ${everyone.length} people in to and cc; a message reaches at most ${MAX_RECIPIENTS} (a mailing list, org/lists/, reaches more)`, { exitCode: EXIT.usage });
    }
    const where = input.source === undefined ? '' : `${input.source}: `;
    for (const name of everyone) {
      if (!isValidAgentName(name)) {
        throw new LemmingError('bad-recipient', `${where}${quoteName(name)} is not an agent name; names are like "manager" or "coder_01"`, { exitCode: EXIT.usage });
      }
    }
    // The one rule of a send: an agent at both ends of the chart, or a mailing list the seat may post to;
    // a message to several reaches all its names or none, as an agent's send_message does.
    for (const each of refusedNames(org, seat, everyone)) {
      refused.push(`${where}${each.reason}`);
      unknown ||= each.unknown;
    }
  }
  const usage = unknown ? { exitCode: EXIT.usage } : {};
  const agents = unknown ? `; agents: ${agentsNamed(org)}` : '';
  if (refused.length === 1) throw new LemmingError('refused', `not sent: ${refused[0]}${agents}`, usage);
  if (refused.length > 1) {
    const shown = refused.slice(0, 3).join('; ');
    throw new LemmingError('refused', `not sent to anyone: ${refused.length} of the ${inputs.reduce((sum, input) => sum + recipientsOf(input).length, 0)} recipients cannot be reached: ${shown}${refused.length > 3 ? `; and ${refused.length - 3} more` : ''}${agents}`, usage);
  }
  for (const input of inputs) {
    const wrong = wrongField(input);
    if (wrong !== undefined) throw new LemmingError('bad-message', `not sent: ${wrong}`, { exitCode: EXIT.usage });
    if (asMessageBody(input.body).trim() === '') throw new LemmingError('empty-message', `not sent: the message is empty; write some text, for example \`lemming send ${input.to} "Please plan the release"\``, { exitCode: EXIT.usage });
    if (input.replyTo !== undefined && !messageExists(root, input.replyTo)) {
      throw new LemmingError(
        'unknown-reply-to',
        `not sent: --reply-to ${quoteName(input.replyTo)} names no message in any outbox; an id looks like 000012-manager-001 (\`lemming inbox --all\` shows the ids of your mail)`,
        { exitCode: EXIT.usage },
      );
    }
  }
  // The seat's outbox is where the message is written: one that leads out of the org is refused, naming it, before anything is.
  requireOwnFolders(root, seat);
  const turn = stateTurn(statePaths(root).state);
  const cap = org.settings.max_messages_per_turn;
  if (rules.perTurnCap && sentIn(root, seat, turn) + inputs.length > cap) {
    throw new LemmingError(
      'refused',
      `not sent: ${seat} has sent ${sentIn(root, seat, turn)} message(s) since turn ${turn}, the cap per turn (org/org.yaml engine.max_messages_per_turn: ${cap}); send again after the next turn`,
    );
  }
  // Numbers no other writer of this outbox (another dashboard, `lemming send`, an MCP seat) takes at the same time: one id, one file.
  const outbox = join(root, outboxPath(seat));
  const fileOf = (input: HumanMessage, seq: number): string => `${outboxPath(seat)}/${messageFileName(turn, seq, input.to, recipientsOf(input).length - 1)}`;
  const claims = [claimSequences(outbox, turn, nextSeq(root, seat, turn), inputs.length, (seq, nth) => join(root, fileOf(inputs[nth] as HumanMessage, seq)))];
  const sent: SentMessage[] = [];
  crashPoint('after-claim');
  try {
    for (const [index, input] of inputs.entries()) {
      const whole = asMessageBody(input.body).trim();
      const body = capBody(whole, org.settings.max_body_chars);
      const cutCharacters = charactersOverCap(whole, org.settings.max_body_chars);
      let seq = claims[0]?.seqs[index] as number;
      let written: SentMessage | undefined;
      for (let attempt = 0; attempt < 1000 && !written; attempt += 1) {
        const message: Message = { id: messageId(turn, seat, seq), from: seat, to: input.to, turn, created: now.toISOString(), priority: input.priority ?? 'normal', body };
        if (input.alsoTo !== undefined && input.alsoTo.length > 0) message.alsoTo = input.alsoTo;
        if (input.cc !== undefined && input.cc.length > 0) message.cc = input.cc;
        const subject = input.subject === undefined ? undefined : capSubject(input.subject).subject;
        if (subject !== undefined) message.subject = subject;
        if (input.replyTo !== undefined) message.replyTo = input.replyTo;
        const file = fileOf(input, seq);
        if (createFileAtomic(join(root, file), formatMessage(message))) {
          written = { message, file, cutCharacters };
        } else {
          // The name was taken by a writer that claims no number (a file dropped by hand): another number.
          const more = claimSequences(outbox, turn, seq + 1, 1, (next) => join(root, fileOf(input, next)));
          claims.push(more);
          seq = more.seqs[0] as number;
        }
      }
      if (!written) throw new LemmingError('send-failed', `could not find a free file name in ${outboxPath(seat)}`);
      sent.push(written);
    }
    crashPoint('before-release');
  } finally {
    for (const each of claims) each.releaseAll();
    // An engine on this org looks at this outbox at its next turn without visiting every agent (org/changes/): told once, however many were written.
    if (sent.length > 0) recordChange(root, seat);
  }
  return sent;
}

/**
 * What is wrong with a message's own fields, as a program calling the library may give them (the
 * types do not hold a JavaScript caller): a priority outside the four, written as given, made a file
 * the engine skips; a body or subject that is not text failed on a TypeError. The CLI, the dashboard
 * and the MCP seat hold these at their own edges too.
 */
function wrongField(input: HumanMessage): string | undefined {
  if (input.priority !== undefined && !(PRIORITIES as readonly unknown[]).includes(input.priority)) {
    return `priority ${input.priority === null ? 'null' : quoteName(String(input.priority))} is not one of ${PRIORITIES.join(', ')}; for example \`priority: "high"\``;
  }
  if (typeof input.body !== 'string') return `body is ${kindOf(input.body)}, not text; for example \`body: "Please plan the release"\``;
  if (input.subject !== undefined && typeof input.subject !== 'string') return `subject is ${kindOf(input.subject)}, not text; for example \`subject: "Release notes"\``;
  return undefined;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The sequence number after the highest the seat used in `turn` (1 for a turn's first message). */
function nextSeq(root: string, seat: string, turn: number): number {
  let highest = 0;
  for (const name of listMessageFiles(root, seat)) {
    const parsed = parseMessageFileName(name);
    if (parsed?.turn === turn) highest = Math.max(highest, parsed.seq);
  }
  return highest + 1;
}

/** How many messages the seat has written since `turn` finished. */
function sentIn(root: string, seat: string, turn: number): number {
  return listMessageFiles(root, seat).filter((name) => parseMessageFileName(name)?.turn === turn).length;
}
