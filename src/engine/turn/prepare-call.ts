import { basename } from 'node:path';
import { readMessageFile } from '../../mailbox/message-file.js';
import type { Org } from '../../org/org.js';
import { readerProblem, teamOnLists, type ListsNow } from '../../org/lists/recipients.js';
import { isListName, listFile, loadMailingList } from '../../org/lists/mailing-list.js';
import { recipientsOf, type Message } from '../../mailbox/message.js';
import { readMemory } from '../record/agent-memory.js';
import { buildPrompt, fitMail, mailLimit, sortInbox, type BuiltPrompt, type InboxEntry, type PromptInput } from './build-prompt.js';
import type { PendingItem } from '../record/engine-state.js';
import type { CallReason, EngineEvent } from '../events.js';
import { takeWritten } from './written-messages.js';
import type { TokenRatios } from '../record/token-ratios.js';
import type { Memory } from '../../memory/memory-file.js';
import type { EmbeddedRecall } from '../../memory/embed-memories.js';

/** The memory layer (src/memory/memory-layer.ts), loaded by a turn of an org in which some agent keeps a memory stream. */
export type MemoryLayer = typeof import('../../memory/memory-layer.js');

/** The memory layer once this process has loaded it: every prompt of an agent that keeps a stream shows its memories from then on. */
let loadedMemoryLayer: MemoryLayer | undefined;
/** Whether some agent of the org keeps a memory stream, asked once per loaded org. */
const memoryKept = new WeakMap<Org, boolean>();

/**
 * The memory layer, loaded only for an org in which some agent keeps a memory stream: any other loads
 * none of it. The engine loads it before it asks whether a turn has work, so the estimate of a call an
 * agent may not afford (human/waiting-mail.ts) counts the memories its prompt will show.
 */
export async function memoryLayerFor(org: Org): Promise<MemoryLayer | undefined> {
  let keeps = memoryKept.get(org);
  if (keeps === undefined) {
    keeps = false;
    for (const agent of org.agents.values()) if (agent.memory) keeps = true;
    memoryKept.set(org, keeps);
  }
  if (!keeps) return undefined;
  loadedMemoryLayer ??= await import('../../memory/memory-layer.js');
  return loadedMemoryLayer;
}

/** When this process loaded the memory layer: its stream indexes kept for the next process (the engine closing). */
export function keepMemoryIndexes(): void {
  loadedMemoryLayer?.keepIndexes();
}

/** An agent's call, ready to make: its prompt, and the mail it will count as read. */
export interface PreparedCall {
  agent: string;
  /** The agent's first model, for which the prompt was sized. */
  modelKey: string;
  reason: CallReason;
  prompt: BuiltPrompt;
  /** The mail read for the prompt, with its bodies (the prompt shows those of `prompt.shown`). */
  inbox: InboxEntry[];
  /** Mail whose file has gone since it was taken in: counted as read, with a warning. */
  lost: string[];
  /** The agent reflects after this call: the memories it reflects on (memory/reflection.ts), when it keeps a stream and it is time. */
  reflectOn?: Memory[];
  warnings: EngineEvent[];
  /**
   * Of `warnings`, the kept vector files its memories' ranking found damaged (memory-layer.ts, Recall.damaged): what a call prepared
   * again after a crash says (call-agent.ts), the rest of its plan's warnings being said again from the journal.
   */
  damagedVectors?: EngineEvent;
}

/**
 * Read an agent's waiting mail and notes (and, when it keeps a memory stream and the memory layer is
 * loaded, the memories its stream holds for that mail) and build its prompt. Reads only this agent's files.
 */
export function prepareCall(
  root: string,
  org: Org,
  agentName: string,
  reason: CallReason,
  mail: readonly PendingItem[],
  turn: number,
  sizing: Pick<PromptInput, 'limit' | 'planned' | 'alsoWaiting'> & {
    ratios?: Pick<TokenRatios, 'scale' | 'window'>;
    memory?: MemoryLayer | null;
    read?: ReadMail;
    embedded?: EmbeddedRecall;
    focus?: readonly string[];
    /** Nothing changed in the agent's folder since the last turn, as the change feed says (record/agent-memory.ts, readMemory). */
    unchanged?: boolean;
    /** A look made just now at the agent's folders found no notes folder (org/own-folders.ts, requireOwnFolders). */
    notesMissing?: boolean;
  } = {},
): PreparedCall {
  const agent = org.agents.get(agentName);
  if (!agent) throw new Error(`prepareCall: unknown agent ${agentName}`);
  const modelKey = agent.models[0] ?? '';
  const { inbox, lost, warnings } = sizing.read ?? readMail(root, org, agentName, mail, turn);
  // Its memory stream, retrieved for each message it is shown (as many as its context shows, first to last), or for what `focus` says (a meeting's agenda).
  // `memory: null` builds the prompt without memories (what it would be without them: a benchmark's comparison).
  const layer = agent.memory && sizing.memory !== null ? (sizing.memory ?? loadedMemoryLayer) : undefined;
  const recalled = agent.memory && layer ? layer.recallFor(root, agentName, agent.memory, turn, sizing.focus ?? recallTexts(org, agentName, inbox, { ...(sizing.planned ? { planned: sizing.planned } : {}), ...(sizing.limit ? { limit: sizing.limit } : {}) }), sizing.embedded) : undefined;
  const prompt = buildPrompt({ org, agent, modelKey, turn, inbox, memory: readMemory(root, agentName, sizing.unchanged, sizing.notesMissing), reason, ...(sizing.limit ? { limit: sizing.limit } : {}), ...(sizing.planned ? { planned: sizing.planned } : {}), ...(sizing.alsoWaiting ? { alsoWaiting: sizing.alsoWaiting } : {}), tokenScale: sizing.ratios?.scale(modelKey, org.models[modelKey]) ?? 1, ...serverWindow(sizing.ratios, modelKey), ...(recalled ? { recalled } : {}) });
  if (recalled?.leftOut) warnings.push({ type: 'warning', turn, message: recalled.leftOut });
  if (recalled?.tooLong) warnings.push({ type: 'warning', turn, message: recalled.tooLong });
  const damagedVectors: EngineEvent | undefined = recalled?.damaged ? { type: 'warning', turn, file: recalled.damaged.file, message: recalled.damaged.message } : undefined;
  if (damagedVectors) warnings.push(damagedVectors);
  return { agent: agentName, modelKey, reason, prompt, inbox, lost, warnings, ...(recalled?.reflectOn ? { reflectOn: recalled.reflectOn } : {}), ...(damagedVectors ? { damagedVectors } : {}) };
}

/**
 * An agent's waiting mail as read for its prompt: the entries, the ids whose file has gone, a warning for each of
 * those, and each message the chart no longer lets this reader read (never among what it was shown).
 */
export interface ReadMail {
  inbox: InboxEntry[];
  lost: string[];
  warnings: EngineEvent[];
  /** Waiting messages the chart, asked again as they are read, no longer lets reach the reader: they stop waiting unshown. */
  refused: ClosedEdge[];
}

/** A waiting message refused as it is read: the chart lost its edge after it was sent. */
export interface ClosedEdge {
  id: string;
  from: string;
  file: string;
  subject?: string;
  reason: string;
  /** The message has readers besides this one (several names, or a list): each is checked as it reads, and is not held back by this refusal. */
  shared?: true;
}

/** Read the mail a call shows, with its bodies (a notice is its own body). Reads only this agent's files. */
export function readMail(root: string, org: Org, agentName: string, mail: readonly PendingItem[], turn: number, lists?: ListsNow): ReadMail {
  const inbox: InboxEntry[] = [];
  const lost: string[] = [];
  const warnings: EngineEvent[] = [];
  const refused: ClosedEdge[] = [];
  for (const item of mail) {
    if (item.kind === 'notice') {
      inbox.push({ id: item.id, from: item.from, turn: item.turn, priority: item.priority, subject: item.subject, body: item.body });
      continue;
    }
    const cached = takeWritten(root, item.file);
    const read = cached ? { message: cached, notes: [] } : readMessageFile(root, item.from, basename(item.file), item.turn, org.settings.max_body_chars);
    if ('error' in read) {
      lost.push(item.id);
      warnings.push({ type: 'warning', turn, file: item.file, message: unreadableText(read, agentName) });
      continue;
    }
    const names = recipientsOf(read.message);
    const closed = readerProblem(org, item.from, agentName, names, lists);
    if (closed !== undefined) {
      const shared = names.length > 1 || names[0] !== agentName;
      refused.push({ id: item.id, from: item.from, file: item.file, reason: closed, ...(read.message.subject !== undefined ? { subject: read.message.subject } : {}), ...(shared ? { shared } : {}) });
      continue;
    }
    const entry: InboxEntry = { id: item.id, from: item.from, turn: item.turn, priority: read.message.priority, body: read.message.body };
    // A message this process wrote and kept (takeWritten) is as it was sent: only a file read from disk can have been readdressed by hand,
    // so a steady turn's posts to lists look up no list for it.
    const readdressed = cached ? undefined : readdressedText(root, org, agentName, read.message, item.turn);
    if (readdressed) {
      // Who reads a message was settled when it was sent, as its sender is by the outbox that holds it: shown as sent to this reader.
      warnings.push({ type: 'warning', turn, file: item.file, message: readdressed });
    } else if (read.message.alsoTo !== undefined || read.message.cc !== undefined || read.message.to !== agentName) {
      // Shown for a message to several people, and for a post to a list (its `to:` is the list, not this reader).
      const to = [read.message.to, ...(read.message.alsoTo ?? [])];
      entry.to = to.join(', ');
      if (read.message.cc !== undefined) entry.cc = read.message.cc.join(', ');
      // Through a list: which of its team have it already, so it hands the task to none of them.
      const team = teamOnLists(org, agentName, item.from, [...to, ...(read.message.cc ?? [])]);
      if (team.length > 0) entry.teamOnList = team.join(', ');
    }
    if (read.message.subject !== undefined) entry.subject = read.message.subject;
    if (read.message.replyTo !== undefined) entry.replyTo = read.message.replyTo;
    if (item.answers !== undefined && item.answers.id === entry.replyTo) entry.answers = item.answers;
    inbox.push(entry);
  }
  return { inbox, lost, warnings, refused };
}

/**
 * Why a waiting message cannot be shown: its file removed (it is taken back), or changed by hand into one that cannot
 * be read, which mending in place does not send again (the file was taken in when it was sent). Pure.
 */
function unreadableText(read: { error: string; removed?: true }, reader: string): string {
  return `${read.error} now; it cannot be shown to ${reader}${read.removed ? '' : ' and stops waiting (mend it and save it under a new name to send it again)'}`;
}

/**
 * What to say of a message whose `to:` and `cc:` no longer name its reader nor a list: edited by hand after it was
 * sent, or naming a list whose name an agent has taken since. It is read by whom it was sent to, as sent to them;
 * undefined when they still name the reader or a list.
 */
function readdressedText(root: string, org: Org, reader: string, message: Message, sentIn: number): string | undefined {
  const named = recipientsOf(message);
  if (named.includes(reader) || named.some((name) => !org.agents.has(name) && loadMailingList(root, org, name)?.list !== undefined)) return undefined;
  // Nobody edited the file: the list it was posted to has the name of an agent now, and the agent's wins.
  const shadowed = named.find((name) => org.agents.has(name) && isListName(root, name));
  if (shadowed !== undefined) {
    return `was posted in turn ${sentIn} to the list ${shadowed}, whose name the agent ${shadowed} has now (lists and agents share one set of names, and the agent's wins: new mail to ${shadowed} goes to the agent); it is read by ${reader} as posted. Rename ${listFile(shadowed)} or the agent`;
  }
  const now = named.join(', ');
  return `to: and cc: name ${now} now, not ${reader}: it was sent to ${reader} in turn ${sentIn} and is read by ${reader} as sent (an edit of to: or cc: after a message is sent sends it to no one new; to send it to ${now}, save a copy under a new name)`;
}

/** The context an entry's server said it holds, where it said one (record/token-ratios.ts). */
function serverWindow(ratios: Pick<TokenRatios, 'window'> | undefined, modelKey: string): { serverWindow?: number } {
  const window = ratios?.window(modelKey);
  return window === undefined ? {} : { serverWindow: window };
}

/**
 * What a call's memories are retrieved for, one text a thing it must answer (memory/focal-points.ts):
 * each message its prompt shows, in the order shown (its subject and body), as many as the mail's
 * limits show (build-prompt.ts, mailLimit and fitMail: `context.max_messages` and `context.max_tokens`;
 * the window's room is not known yet, the memories coming before the mail); with none (a scheduled
 * check-in), its task as its resume gives it (the instructions). Before, every message `max_messages`
 * allowed was ranked for, and the letters `max_tokens` left waiting took memories of their own. Pure.
 */
export function recallTexts(org: Org, agentName: string, inbox: readonly InboxEntry[], sizing: Pick<PromptInput, 'limit' | 'planned'> = {}): string[] {
  const sorted = sortInbox(inbox);
  const { messages, tokens } = mailLimit(org, sizing);
  // The mail shown is the first of the sorted mail, as many as fit.
  const texts = sorted.slice(0, fitMail(sorted, messages, tokens).shown.length).map((entry) => `${entry.subject ?? ''}\n${entry.body}`);
  if (texts.length > 0) return texts;
  const instructions = org.agents.get(agentName)?.instructions.trim() ?? '';
  return instructions === '' ? [] : [instructions];
}
