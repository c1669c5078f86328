/*
 * The shape of what `lemming diff` finds between two orgs, A and B: what `--json` prints and what
 * the text is rendered from. Types only. "Added" is in B and not in A; "missing" is in A and not
 * in B; a difference is B − A.
 */
import type { LedgerTotals } from './org-snapshot.js';

/** A message as a line of the comparison names it. */
export interface MessageRef {
  id: string;
  /** The file, relative to its org root. */
  file: string;
  from: string;
  to: string;
  turn: number;
  subject?: string;
  /** The body's first line, cut at 80 characters: what names a message that has no subject. */
  preview: string;
}

/** A field of a message that differs between A and B (the body is given as a diff instead). */
export interface FieldChange {
  field: 'to' | 'turn' | 'subject' | 'priority' | 'reply_to' | 'model' | 'credits' | 'created';
  a: string | number | null;
  b: string | number | null;
}

/** A message both orgs hold (the same id) whose fields or body differ; the names are B's. */
export interface ChangedMessage extends MessageRef {
  fields: FieldChange[];
  /** The unified diff of the bodies, a line each (`--- A/…`, `+++ B/…`, hunks); empty when the bodies are the same. */
  bodyDiff: string[];
}

/** Messages matched by id. */
export interface MessageChanges {
  added: MessageRef[];
  missing: MessageRef[];
  changed: ChangedMessage[];
}

/** One agent's money on one side. */
export interface AgentMoney {
  /** From its resume; null when the resume does not load. */
  budget: number | null;
  toppedUp: number;
  spent: number;
  /** budget + top-ups − spent; null without a budget. */
  balance: number | null;
}

/** One agent's money in A and B; null on the side where the agent has no folder. */
export interface BalanceRow {
  agent: string;
  a: AgentMoney | null;
  b: AgentMoney | null;
  /** B's balance − A's; null when either is unknown. */
  balanceDifference: number | null;
  /** B's spending − A's (an agent absent on a side spent nothing there). */
  spentDifference: number;
}

/** A proposal whose status differs, or that one org has and the other has not. */
export interface ProposalChange {
  id: string;
  description: string;
  a: { status: string; reason?: string } | null;
  b: { status: string; reason?: string } | null;
}

/** One measure of an experiment run's result (experiment-result.json) on both sides. */
export interface OutcomeRow {
  measure: string;
  a: string | number | boolean | null;
  b: string | number | boolean | null;
  same: boolean;
}

/** A text file (a resume, org.yaml, chart.yaml, routing.yaml) that differs, as a unified diff. */
export interface FileChange {
  file: string;
  diff: string[];
}

/** One side of the comparison. */
export interface DiffSide {
  root: string;
  org: string;
  turn: number;
  /** What names it in the output: the folder as given, or `turn 3` for `--turns`. */
  label: string;
}

/** How many of each difference there are: the summary a person reads first. */
export interface DiffSummary {
  messagesAdded: number;
  messagesMissing: number;
  messagesChanged: number;
  humanMessagesDiffering: number;
  agentsAdded: number;
  agentsRemoved: number;
  resumesChanged: number;
  orgFilesChanged: number;
  balancesDiffering: number;
  proposalsDecidedDifferently: number;
  outcomeMeasuresDiffering: number;
}

/** Everything `lemming diff A B` found. */
export interface OrgDiff {
  a: DiffSide;
  b: DiffSide;
  /** No difference in any section (and the same turn): the exit code is 0. */
  equal: boolean;
  /** Whether `created:` times were compared (`--created`); by default they are not, being wall-clock. */
  comparedCreated: boolean;
  summary: DiffSummary;
  messages: MessageChanges;
  /** The human's side of the mail: what the human sent, what the human was sent, and the last answer each org gave the human. */
  human: {
    sent: MessageChanges;
    received: MessageChanges;
    lastAnswer: { a: MessageRef | null; b: MessageRef | null; same: boolean };
  };
  agents: { added: string[]; removed: string[] };
  resumes: FileChange[];
  orgFiles: FileChange[];
  /** Every agent of either org, in name order. */
  balances: BalanceRow[];
  /** The whole ledger on each side, and B − A. */
  ledger: { a: LedgerTotals; b: LedgerTotals; difference: LedgerTotals };
  proposals: ProposalChange[];
  /** The runs' metrics and scores; null when neither folder is a finished experiment run. */
  outcome: OutcomeRow[] | null;
  /** Message files each side could not read (they are left out of the comparison). */
  unreadable: { a: Array<{ file: string; error: string }>; b: Array<{ file: string; error: string }> };
}
