import type { DeliveryForm, HoldCause, SendCause } from '../../format/mail-outcomes.js';

/**
 * What an analysis of an org reads, gathered once from its files: the messages of every outbox,
 * what each agent did in each turn (its activity log), what each call cost (the ledger) and the
 * chart. Plain data: every measure in src/analysis/ is a pure function of it, so a test can build
 * one by hand and a reader of another org's files (an experiment's run) builds the same shape.
 */
export interface OrgRecords {
  /** The last finished turn (org/state/engine.json), or the newest message's turn when the engine never ran. */
  turn: number;
  /** Every agent of the org, in name order, with its place in the chart. */
  agents: AgentRecord[];
  /** Every message file of every outbox, oldest first (turn, then id). */
  messages: MessageRecord[];
  /** Per agent, what its activity log says it did in each turn. */
  activity: ReadonlyMap<string, ReadonlyMap<number, TurnActivity>>;
  /** Credits charged per call: key `turn agent` (one ledger line per agent per turn). */
  charges: ReadonlyMap<string, number>;
  /** Every permitted edge of the chart (`from to`), or undefined when there are too many to list (see MAX_LISTED_EDGES). */
  edges?: ReadonlySet<string>;
  /** Each speech heard in a meeting, one a hearer, from the transcripts (absent: none read). */
  meetings?: HeardSpeech[];
  /** Each refused send of the activity logs (absent: none read). */
  refusals?: RefusedSend[];
  /** Each call whose answer lemming refused unread as too large, by its agent's log (absent: none read). */
  answersRefused?: RefusedAnswer[];
  /** Each turn's calls of an agent stopped at org.yaml `engine.max_steps`, by its log's notes (absent: none read). */
  stoppedAtMaxSteps?: CallsStopped[];
  /** Each turn's agents with work not called, by cause, and activation's draws, from taken.jsonl (absent: none read). */
  held?: HeldInTurn[];
  /** Each rule of org.yaml `engine.activation`, its `match` as written (`title: Clerk`); absent: none. */
  activationRules?: string[];
}

/** A speech heard: `from` spoke in `meeting` in `turn`, and `to`, present, heard it. */
export interface HeardSpeech {
  from: string;
  to: string;
  turn: number;
  meeting: string;
}

/** Sends of `from` refused in `turn` for one cause: a log's `refused` line (its first recipient `to`, and how many sends it stands for). */
export interface RefusedSend {
  from: string;
  to: string;
  turn: number;
  cause: SendCause;
  count: number;
}

/** A call of `agent` in `turn` whose answer lemming refused unread as too large: a log's `error` line with that cause. */
export interface RefusedAnswer {
  agent: string;
  turn: number;
}

/** `calls` of `agent` in `turn` stopped at `engine.max_steps`, their tools' last results unseen (one, or one a meeting round). */
export interface CallsStopped {
  agent: string;
  turn: number;
  calls: number;
}

/** What a turn held back: agents with work not called, by cause, and activation's draws by rule. */
export interface HeldInTurn {
  turn: number;
  held: Partial<Record<HoldCause, number>>;
  /** `firstGoverned` and `firstDrawn` name the agents the run's record had not named yet (absent: a record from before lemming kept the names). */
  draws: Array<{ rule: number; governed: number; drawn: number; firstGoverned?: unknown; firstDrawn?: unknown }>;
}

/** An agent as the analysis needs it. */
export interface AgentRecord {
  name: string;
  isHuman: boolean;
  reportsTo: string | null;
}

/** One message file, as read from its outbox (the sender is the outbox's owner). */
export interface MessageRecord {
  id: string;
  from: string;
  /** The first reader; `others` everyone else the message reached (the rest of `to:`, `cc:`, a list's members). */
  to: string;
  others?: string[];
  /**
   * The form each reader was reached by, `to` first, then `others` in order; absent (a record made by
   * hand): one reader is `direct`, several are each `to`.
   */
  forms?: DeliveryForm[];
  turn: number;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  subject?: string;
  replyTo?: string;
  body: string;
  /** Credits the message's front matter says its call cost (usage.credits), when it says. */
  credits?: number;
}

/** What an agent's activity log says of one turn. */
export interface TurnActivity {
  /** The agent's model was called. */
  called: boolean;
  /** Ids of the messages it was shown (the log's `read` line). */
  read: string[];
  /** Ids of the mail shown to a call that failed after it was charged (the log's `error` line's `shown`); its mail waits. Absent: none. */
  shownWhenFailed?: string[];
  /** Tools it called that make something (a file, a command, a proposal): not only reading. */
  madeSomething: boolean;
  /** A hold its log says began in the turn (engine/refusal-causes.ts holdStartedBy), lasting until it is called again. Absent: none. */
  holdStarted?: HoldCause;
}

/** A chart whose permitted edges outnumber this has its unused edges counted, not listed: `"*"` at 1,000 agents is a million edges. */
export const MAX_LISTED_EDGES = 10_000;

/** The key of a directed edge or a call: two names (never holding a space) joined by one. */
export function pairKey(first: string | number, second: string): string {
  return `${first} ${second}`;
}
