import type { AnsweredStart } from '../../mailbox/prompt-markup.js';
import type { Priority } from '../../mailbox/message.js';
import type { AwaitingAnswer } from '../routing/escalation.js';
import { emptySnapshot, type LedgerSnapshot } from '../money/ledger.js';
import { nameRecord } from '../../org/names.js';

/** Mail waiting for an agent: a message file, or a notice from the engine itself. */
export type PendingItem =
  | {
      kind: 'message';
      id: string;
      from: string;
      to: string;
      turn: number;
      /** The message file, relative to the org root. */
      file: string;
      priority: Priority;
      subject?: string;
      /**
       * The start of the message it answers, taken when it was sent from what its sender was shown
       * (or, for a file the human wrote, from the answered file when the scan found it): the prompt
       * shows it beside the message. Kept here, not read again, so a prompt is built from this state
       * and the message files, whatever became of the answered file since.
       */
      answers?: AnsweredStart;
    }
  | {
      kind: 'notice';
      id: string;
      from: 'lemming';
      to: string;
      turn: number;
      priority: Priority;
      subject: string;
      body: string;
    };

/** What an agent last did, for `status`. */
export interface Activity {
  turn: number;
  summary: string;
}

/**
 * Everything the engine must remember between turns: part of the org's record, so a copy or a
 * clone continues from it. Its size follows the unread mail and the number of agents, never the
 * history. Kept in two places (state-store.ts): `org/state/engine.json`, small and written whole at
 * each commit (the turn, the counters, the offsets into the records, the human's notices), and the
 * part that grows with the org (members, waiting mail, each agent's activity, errors and ledger
 * totals: state-parts.ts) in `org/state/engine/`, written by what changed. `version` is the state's
 * shape in memory (2: kept with the record of files taken in), not the files'.
 */
export interface EngineState {
  version: 2;
  /** The last turn that finished (0: none yet). */
  turn: number;
  /**
   * Every agent that has joined the org, in name order. An agent folder that appears with
   * mail already in its outbox (copied, renamed) joins with that mail as history.
   */
  members: string[];
  /** The size of `taken.jsonl` when this state was committed: a longer file ends in an uncommitted turn's line. */
  takenBytes: number;
  pending: PendingItem[];
  activity: Record<string, Activity>;
  errors: Record<string, { turn: number; message: string }>;
  /** Agents at zero whose manager has been told; cleared when they have credits again. */
  outOfCredits: string[];
  /** Notices for the person (refused sends from `human`, agents out of credits); the newest 100. */
  humanNotices: Array<{ id: string; turn: number; subject: string; body: string }>;
  ledger: LedgerSnapshot;
  /** Mail that asks and waits for its recipient's answer, while org/routing.yaml escalates; absent: none. */
  awaiting?: AwaitingAnswer[];
}

/** The state of an org whose engine has never run: turn 0, no mail, an empty ledger snapshot. */
export function initialState(): EngineState {
  return {
    version: 2,
    turn: 0,
    members: [],
    takenBytes: 0,
    pending: [],
    activity: nameRecord(),
    errors: nameRecord(),
    outOfCredits: [],
    humanNotices: [],
    ledger: emptySnapshot(),
  };
}

/**
 * A state read from JSON, over the initial state's defaults. Records keyed by agent names come back
 * from JSON with a prototype: they are copied into ones without (see org/names.ts), so an agent
 * named `constructor` reads its own totals or none.
 */
export function stateFromJson(state: Partial<EngineState>): EngineState {
  const initial = initialState();
  const ledger = state.ledger ?? initial.ledger;
  return {
    ...initial,
    ...state,
    version: 2,
    activity: nameRecord(state.activity),
    errors: nameRecord(state.errors),
    ledger: { offset: ledger.offset, totals: nameRecord(ledger.totals), lastCharged: nameRecord(ledger.lastCharged), ...(ledger.rule === undefined ? {} : { rule: ledger.rule }), ...(ledger.crc === undefined ? {} : { crc: ledger.crc }) },
  };
}
