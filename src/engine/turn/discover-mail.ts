import { messageFilesFor, readMessageFile, outboxPath } from '../../mailbox/message-file.js';
import { answeredStart, type AnsweredStart } from '../../mailbox/prompt-markup.js';
import { isAddressedTo, parseMessageFileName, recipientsOf } from '../../mailbox/message.js';
import { listOutbox, outboxWorthListing, scanOutbox, type OutboxScan } from '../../mailbox/outbox-scan.js';
import { HUMAN, nameRecord } from '../../org/names.js';
import type { Org } from '../../org/org.js';
import { requireOwnFolders } from '../../org/own-folders.js';
import type { EngineState, PendingItem } from '../record/engine-state.js';
import type { OutboxHintStore, OutboxHints } from '../record/outbox-hints.js';
import { takenNames } from '../record/taken-files.js';
import type { EngineEvent } from '../events.js';
import { makeNotice, refusalNoticeBody } from './notices.js';
import { agentPaths, statePaths } from '../record/state-paths.js';
import { summarise } from './summarise.js';
import { deliveriesOf, refusedNames } from '../../org/lists/recipients.js';
import { countForms } from '../../format/mail-outcomes.js';
import { StatAhead } from '../../storage/stat-ahead.js';

const SCAN_NOTICE_TAG = 'scan';

/** The notice that tells a sender which of the files found in its outbox were refused. */
function scanNoticeId(turn: number, sender: string): string {
  return makeNotice(turn, sender, SCAN_NOTICE_TAG, 1, '', '').id;
}

/** What `discoverMail` found: hints for the outboxes it listed, what it took in, mail to deliver, notices and events. */
export interface Discovery {
  hints: OutboxHints;
  /** Files taken in by this scan, by outbox: delivered, refused, skipped, or history of an agent that joined. */
  taken: Record<string, string[]>;
  /** The files of `taken` that were not delivered (refused, skipped, history), by outbox. */
  undelivered: Record<string, string[]>;
  /** Agents that joined the org with this turn. */
  joined: string[];
  pending: PendingItem[];
  humanNotices: EngineState['humanNotices'];
  events: EngineEvent[];
}

/**
 * Take in mail that appeared since the last turn without the engine writing it:
 * the human's messages and files dropped into an outbox by hand. An outbox is listed
 * only when its folder changed (or nothing is known of it), and a file is new when the
 * record of files taken in does not name it: copies, moves and touched files repeat
 * and lose nothing. A file is read with the caps a model's message meets (message-file.ts),
 * each cut or dropped field a warning. Each message is checked against the chart at both
 * ends; a refused one earns its sender a notice. A broken file is skipped with a warning and the rest
 * of the mail still arrives. An agent that joins an org that has run, with files
 * already in its outbox, takes them as history.
 */
export function discoverMail(root: string, org: Org, state: EngineState, hints: Pick<OutboxHintStore, 'get'>, turn: number, changed?: ReadonlySet<string>): Discovery {
  const result: Discovery = { hints: nameRecord(), taken: nameRecord(), undelivered: nameRecord(), joined: [], pending: [], humanNotices: [], events: [] };
  const members = memberSet(state.members);
  const takenPath = statePaths(root).taken;
  const senders = sendersToLook(org, state.members, members, changed);
  // A look at every outbox (a process's first turn) is a `stat` each: on two cores (look-ahead.ts).
  const ahead = StatAhead.of({ prefix: agentPaths(root, '').directory, names: senders, suffix: '/outbox' });
  for (let index = 0; index < senders.length; index += 1) {
    const sender = senders[index] as string;
    const outbox = agentPaths(root, sender).outbox;
    if (!members.has(sender)) {
      if (state.turn > 0) {
        const everything = scanOutbox(outbox, undefined, () => false);
        if (everything?.error !== undefined) {
          // It joins once its outbox can be read, so none of its history is ever taken for new mail.
          result.events.push({ type: 'warning', turn, file: outboxPath(sender), message: `${everything.error}; ${sender} joins when it can be read` });
          continue;
        }
        result.joined.push(sender);
        joinWithHistory(result, sender, everything, turn);
        continue;
      }
      result.joined.push(sender);
    }
    // An outbox unchanged since it was last listed costs one stat, and nothing else is made for it.
    const directoryStat = outboxWorthListing(ahead.get(index), hints.get(sender));
    if (!directoryStat) continue;
    let taken: ReadonlySet<string> | undefined;
    const scan = listOutbox(outbox, directoryStat, (name) => (taken ??= takenNames(takenPath, sender)).has(name));
    if (scan.hint) result.hints[sender] = scan.hint;
    if (scan.error !== undefined) {
      result.events.push({ type: 'warning', turn, file: outboxPath(sender), message: `${scan.error}; its new mail waits until it can be read` });
      continue;
    }
    // Files to take in: read only from an outbox of the org's own (looked at once a command, for the senders with new files alone).
    if (scan.newFiles.length > 0 || scan.skipped.length > 0) requireOwnFolders(root, sender);
    const takenNow = [...scan.newFiles, ...scan.skipped.map((skipped) => skipped.name)];
    if (takenNow.length > 0) result.taken[sender] = takenNow;
    const undelivered = scan.skipped.map((skipped) => skipped.name);
    const refusals: Array<{ to: string; subject?: string; reason: string; cause: 'chart'; file: string }> = [];
    for (const skipped of scan.skipped) {
      result.events.push({ type: 'warning', turn, file: `${outboxPath(sender)}/${skipped.name}`, message: `${skipped.reason}; skipped` });
    }
    for (const name of scan.newFiles) {
      const file = `${outboxPath(sender)}/${name}`;
      const named = parseMessageFileName(name);
      if (sender !== HUMAN && named && named.turn >= turn) {
        // lemming writes this name itself in that turn and would replace the file: it cannot be taken as sent.
        result.events.push({
          type: 'warning',
          turn,
          file,
          message: `is named as lemming names a message of turn ${named.turn}, which has not run yet, and would be replaced by it; this message was skipped (rename it, for example to note.md, to send it)`,
        });
        undelivered.push(name);
        continue;
      }
      const read = readMessageFile(root, sender, name, Math.max(0, turn - 1), org.settings.max_body_chars);
      if ('error' in read) {
        result.events.push({
          type: 'warning',
          turn,
          file,
          message: `${read.error}; this message was skipped and the rest of the mail is delivered (fix it and save it under a new name to send it)`,
        });
        undelivered.push(name);
        continue;
      }
      const { message, notes } = read;
      for (const note of notes) result.events.push({ type: 'warning', turn, file, message: note });
      // All its names or none, as a model's send (interpret-response.ts): one file is one delivery.
      const everyone = recipientsOf(message);
      const refused = refusedNames(org, sender, everyone);
      if (refused.length > 0) {
        for (const { name: to, reason } of refused) {
          const refusal = { to: to.slice(0, 64), reason, cause: 'chart' as const, ...(message.subject ? { subject: message.subject } : {}), file };
          refusals.push(refusal);
          result.events.push({ type: 'message-refused', turn, from: sender, ...refusal, notice: scanNoticeId(turn, sender) });
        }
        undelivered.push(name);
        continue;
      }
      const deliveries = deliveriesOf(org, sender, message);
      result.events.push({ type: 'message-delivered', turn, message: summarise(message, file), forms: countForms(deliveries) });
      const answers = message.replyTo !== undefined ? answeredFile(root, org, message.replyTo, sender) : {};
      for (const { reader } of deliveries) {
        if (reader === HUMAN) continue;
        result.pending.push({
          kind: 'message',
          id: message.id,
          from: sender,
          to: reader,
          turn: message.turn,
          file,
          priority: message.priority,
          ...(message.subject ? { subject: message.subject } : {}),
          ...answers,
        });
      }
    }
    if (undelivered.length > 0) result.undelivered[sender] = undelivered;
    if (refusals.length > 0) {
      const body = refusalNoticeBody(refusals);
      const notice = makeNotice(turn, sender, SCAN_NOTICE_TAG, 1, 'Not delivered', body);
      if (sender === HUMAN) result.humanNotices.push({ id: notice.id, turn, subject: 'Not delivered', body });
      else result.pending.push(notice);
    }
  }
  ahead.done();
  return result;
}

/**
 * The outboxes a turn looks at: every agent's, or, when the change feed says which folders may have
 * changed, theirs and those of agents that have not joined yet (each joins with this turn).
 */
function sendersToLook(org: Org, memberList: readonly string[], members: ReadonlySet<string>, changed: ReadonlySet<string> | undefined): readonly string[] {
  if (!changed) return [...org.agents.keys()];
  const senders = [...joiningOf(org, memberList, members)];
  for (const name of changed) if (org.agents.has(name) && members.has(name)) senders.push(name);
  // In name order, as a look at every agent goes: the events and the plan do not depend on the order changes came in.
  return senders.sort();
}

/** Agents of the org that are not members yet, by org and member list: both stay the same objects from turn to turn until one changes. */
const joining = new WeakMap<Org, { members: readonly string[]; names: readonly string[] }>();

function joiningOf(org: Org, memberList: readonly string[], members: ReadonlySet<string>): readonly string[] {
  const kept = joining.get(org);
  if (kept && kept.members === memberList) return kept.names;
  const names = [...org.agents.keys()].filter((name) => !members.has(name));
  joining.set(org, { members: memberList, names });
  return names;
}

/** The members as a set, made once per list: the list stays the same object from turn to turn until an agent joins. */
const memberSets = new WeakMap<readonly string[], ReadonlySet<string>>();

function memberSet(members: readonly string[]): ReadonlySet<string> {
  let set = memberSets.get(members);
  if (set === undefined) {
    set = new Set(members);
    memberSets.set(members, set);
  }
  return set;
}

/**
 * The start of the message a file found by the scan answers (the human's `--reply-to`, a file
 * dropped by hand): read from the answered file now, once, and kept with the pending mail, which
 * the turn's plan journals. Only a message to the file's sender counts: it is one they were shown.
 */
function answeredFile(root: string, org: Org, id: string, sender: string): { answers?: AnsweredStart } {
  for (const ref of messageFilesFor(root, id)) {
    const read = readMessageFile(root, ref.sender, ref.name, 0, org.settings.max_body_chars);
    if ('error' in read || read.message.id !== id || !isAddressedTo(read.message, sender)) continue;
    return { answers: answeredStart(read.message) };
  }
  return {};
}

/** An agent folder that arrives with mail in its outbox (copied, renamed) joins with that mail as history, said once. */
function joinWithHistory(result: Discovery, sender: string, scan: OutboxScan | undefined, turn: number): void {
  if (!scan) return;
  if (scan.hint) result.hints[sender] = scan.hint;
  const history = [...scan.newFiles, ...scan.skipped.map((skipped) => skipped.name)];
  if (history.length === 0) return;
  result.taken[sender] = history;
  result.undelivered[sender] = history;
  result.events.push({
    type: 'warning',
    turn,
    file: outboxPath(sender),
    message:
      `${sender} joined the org with ${history.length} file(s) already in its outbox; they were taken as history, ` +
      'not sent again (a file put there from now on is delivered as usual)',
  });
}
