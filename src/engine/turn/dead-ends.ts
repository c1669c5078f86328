import { HUMAN } from '../../org/names.js';
import type { Org } from '../../org/org.js';
import type { EngineState, PendingItem } from '../record/engine-state.js';
import { AgentRecords } from '../record/state-file.js';
import { statePaths } from '../record/state-paths.js';
import type { HoldNotices } from './failing-agents.js';
import { makeNotice } from './notices.js';

/** Calls in a row that did nothing before the senders of the mail they were shown are told. */
export const DEAD_END_CALLS = 2;

/** How much of the agent's last text a notice quotes. */
const QUOTED_CHARS = 2_000;

/** A message an agent was shown and has not acted on. */
interface Unanswered {
  id: string;
  from: string;
  subject?: string;
  /** Its sender has been told. */
  told: boolean;
  /** The turn in which the sender was told. */
  toldTurn?: number;
}

/** An agent whose calls did nothing: no message sent, no note kept. */
export interface DeadEnd {
  /** Calls in a row (one per turn) that did nothing. */
  calls: number;
  /** How many of those calls failed (the model or its server): the notice says so, rather than that the agent chose to do nothing. */
  failed?: number;
  /** The last call counted failed: its text is the failure. */
  lastFailed?: boolean;
  messages: Unanswered[];
  /** The turn of the last call counted: a turn finished after a crash counts its call once. */
  lastTurn?: number;
}

/**
 * Mail an agent fails to act on: it answered in text without any action, or its call
 * failed. After `DEAD_END_CALLS` such calls in a row, the sender of each message it was
 * shown is told once, with the agent's last text, so a person never waits in silence.
 * Reports from the agent's own direct reports are left out: they ask for nothing.
 * Kept in `org/state/dead-ends.json` until the agent acts.
 */
export class DeadEnds {
  private constructor(private readonly agents: AgentRecords<DeadEnd>) {}

  static load(root: string): DeadEnds {
    return new DeadEnds(AgentRecords.read<DeadEnd>(statePaths(root).deadEnds));
  }

  /**
   * One call of `agent` in `turn`: whether it acted, the mail it was shown, and its text
   * (the reply, or the error). Returns the notices that tell senders, when it is time.
   */
  record(org: Org, agent: string, turn: number, call: { acted: boolean; failed?: boolean; shown: readonly PendingItem[]; lastText: string }): HoldNotices {
    const told: HoldNotices = { notices: [], humanNotices: [] };
    if (call.acted) {
      this.agents.delete(agent);
      return told;
    }
    const existing = this.agents.get(agent);
    if (existing?.lastTurn === turn) {
      // Counted before a crash: the notices of that attempt are made again (same ids), nothing is counted twice.
      this.tell(org, agent, existing, existing.messages.filter((message) => message.toldTurn === turn), call.lastText, turn, told);
      return told;
    }
    const entry: DeadEnd = existing ?? { calls: 0, messages: [] };
    entry.calls += 1;
    entry.lastTurn = turn;
    if (call.failed) entry.failed = (entry.failed ?? 0) + 1;
    if (call.failed) entry.lastFailed = true;
    else delete entry.lastFailed;
    for (const item of call.shown) {
      if (item.kind !== 'message' || item.from === agent || entry.messages.some((message) => message.id === item.id)) continue;
      // A direct report's message is its report: reading it and doing nothing is an answer.
      if (org.agents.get(item.from)?.reportsTo === agent) continue;
      entry.messages.push({ id: item.id, from: item.from, ...(item.subject === undefined ? {} : { subject: item.subject }), told: false });
    }
    this.agents.set(agent, entry);
    if (entry.calls < DEAD_END_CALLS) return told;
    const untold = entry.messages.filter((message) => !message.told && org.agents.has(message.from));
    for (const message of untold) {
      message.told = true;
      message.toldTurn = turn;
    }
    this.tell(org, agent, entry, untold, call.lastText, turn, told);
    return told;
  }

  /** One notice for each sender of `messages`, saying the agent did nothing with them. */
  private tell(org: Org, agent: string, entry: DeadEnd, messages: readonly Unanswered[], lastText: string, turn: number, told: HoldNotices): void {
    for (const sender of new Set(messages.map((message) => message.from))) {
      if (!org.agents.has(sender)) continue;
      const theirs = messages.filter((message) => message.from === sender);
      const listed = theirs.map((message) => `- ${message.id}${message.subject ? ` ("${message.subject}")` : ''}`).join('\n');
      const text = lastText.trim() === '' ? '(no text)' : lastText.trim().slice(0, QUOTED_CHARS);
      const { subject, body } = deadEndWords(agent, entry, listed, text);
      const notice = makeNotice(turn, sender, `dead-end-${agent}`, 1, subject, body);
      if (sender === HUMAN) told.humanNotices.push({ id: notice.id, turn, subject, body } satisfies EngineState['humanNotices'][number]);
      else told.notices.push(notice);
    }
  }

  /** Whether the agent has an entry: mail it has not acted on. */
  has(agent: string): boolean {
    return this.agents.get(agent) !== undefined;
  }

  /** The agent's entry as it stands (a copy, for the turn's journal), or null. */
  entryOf(agent: string): DeadEnd | null {
    return this.agents.copyOf(agent);
  }

  /** Put back the entry an agent's journaled outcome carries (null: none), for a turn finished after a crash. */
  restore(agent: string, entry: DeadEnd | null): void {
    this.agents.restore(agent, entry);
  }

  /** Write the file when something changed: once a turn, at its end (each agent's entry is in its journaled outcome). */
  save(): void {
    this.agents.save();
  }
}

/**
 * What a sender is told: calls that all failed are the model's failure, said with the last one (a
 * server answering 404 is not an agent that chose to do nothing); calls answered without an action
 * are the agent's, with its last words; a mix says how many failed. Pure.
 */
function deadEndWords(agent: string, entry: DeadEnd, listed: string, text: string): { subject: string; body: string } {
  const failed = entry.failed ?? 0;
  const last = entry.lastFailed ? `The last failure:\n${text}` : `Its last words:\n${text}`;
  if (failed >= entry.calls) {
    return {
      subject: `${agent} could not act on your message: its model failed`,
      body:
        `${agent} was shown your message(s), and its model failed in ${entry.calls} calls in a row, so nothing was done with them:\n${listed}\n\n${last}\n\n` +
        `Its mail waits. Write to someone else meanwhile, or have its model mended (its entry in org/org.yaml, the server, the key); \`lemming status\` shows the failure.`,
    };
  }
  const some = failed > 0 ? ` (${failed} of them failed)` : '';
  return {
    subject: `${agent} has not acted on your message`,
    body:
      `${agent} was shown your message(s) and in ${entry.calls} calls in a row did nothing with them${some} (no message sent, no note kept):\n${listed}\n\n${last}\n\n` +
      'Write to it again, ask someone else, or look at its resume and model.',
  };
}
