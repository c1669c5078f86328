import { EXIT, LemmingError } from '../../errors.js';
import { nameRecord } from '../../org/names.js';
import { closeSync, unlinkSync } from 'node:fs';
import { storageFailure } from '../../storage/storage-error.js';
import { openOwnFile, storageFault } from '../../storage/write-bytes.js';
import { writeAll } from '../../storage/write-bytes.js';
import type { ProviderResponse } from '../../providers/provider.js';
import type { CallReason, EngineEvent } from '../events.js';
import type { LoopRecord, StepSummary } from '../turn/step-loop.js';
import type { DeadEnd } from '../turn/dead-ends.js';
import type { FailureStreak } from '../turn/failing-agents.js';
import type { RefusedStep } from '../turn/unread-answer.js';
import type { ReflectionAnswer } from '../turn/reflect.js';
import type { RatingAnswer } from '../../memory/rate-stream.js';
import type { PendingItem, EngineState } from './engine-state.js';
import type { LedgerEntry } from '../money/ledger.js';
import type { OutboxHint } from '../../mailbox/outbox-scan.js';
import type { OutboxHints } from './outbox-hints.js';
import type { RoutingRules } from '../../org/routing/routing-rules.js';
import type { MeetingHeard, PlannedMeeting } from '../../meetings/meeting-transcript.js';
import type { RuleDraws } from '../turn/activation.js';
import type { MeetingRecord } from '../turn/meeting-records.js';
import type { Lesson } from './token-ratios.js';
import { forgetAtNextCommand } from '../../invocation.js';
import { readOwnFile } from '../../storage/read-own-file.js';
import { cutTornTail, wholeRecords, type DamagedLine } from '../../storage/whole-records.js';

/** One agent's work in a turn, as planned before any model is called. */
export interface PlannedCall {
  agent: string;
  modelKey: string;
  reason: CallReason;
  /** Ids of the pending mail the agent will be shown. */
  shown: string[];
  deferred: number;
  /**
   * A digest of the prompt built for the call (turn/prompt-digest.ts), journaled before it is
   * made: a turn finished after a crash builds the prompt again from the journal and the files,
   * and says so if it no longer comes out the same.
   */
  prompt?: string;
  /** The limits the mail was sized with, when they show in the prompt (mail left waiting, or a message cut to fit). */
  limit?: { messages: number; tokens: number };
  /** Its retrieval's embeddings, made while the turn was planned (turn/embed-query.ts): charged with its answer; a recovered turn ranks with the vectors kept. */
  embedded?: PlannedEmbedding;
}

/** What embedding a call's retrieval asked of the embedding model while its turn was planned. */
export interface PlannedEmbedding {
  /** The registry key of the embedding model. */
  model: string;
  /** Input tokens its server counted: the call's charge pays them at that model's input price. */
  input_tokens: number;
  /** Memories sent to be embedded (new ones, and those whose text changed). */
  memories: number;
  /** Its server gave no count, and lemming's estimate of the texts stands in (providers/embedding-gate.ts). */
  estimated?: true;
  /** What the embedding gate did not take as it came, a sentence a change: told to the human with the charge. */
  clamped?: string[];
}

/** What applying one agent's response changed, recorded so the turn can be committed after a crash. */
export interface AgentOutcome {
  agent: string;
  /** Mail that was shown and is now read. Empty when the call failed, so the mail waits. */
  read: string[];
  /** New mail for the next turn: messages it sent and notices for it. */
  newMail: PendingItem[];
  humanNotices: EngineState['humanNotices'];
  charge?: Extract<LedgerEntry, { type: 'charge' }>;
  activity: string;
  error?: string;
  /** This call took the agent to zero credits or below: its manager has been told (in `newMail`/`humanNotices`). */
  ranDry?: boolean;
  /** Names of the message files it wrote: taken in at commit, so no scan takes them for new mail. */
  wrote?: string[];
  /** The `reply_to` of each message it sent: mail it answered, which stops waiting for an answer (engine/routing/escalation.ts). */
  replies?: string[];
  /** The hint for its outbox after its own writes; null when the folder must be listed next turn. */
  hint?: OutboxHint | null;
  /**
   * Its entries in the engine's per-agent records after this call, where the call changed them
   * (null: removed): mail it has not acted on (`dead-ends.json`) and its failure streak
   * (`failing-agents.json`). Those files are written once, at the turn's end; a turn finished
   * after a crash takes the entries of the agents already done from here.
   */
  records?: { deadEnd?: DeadEnd | null; failing?: FailureStreak | null };
}

/** The turn's journal, `org/state/journal.jsonl`: append-only while the turn runs, removed at commit. */
export type JournalRecord =
  | {
      type: 'plan';
      turn: number;
      /** When the turn was planned: the time of the log lines the plan itself causes. */
      at?: string;
      /**
       * This plan of the turn, drawn at random as it is made: every call of the turn carries it (ProviderRequest.plan), so a
       * crashed turn finished from this journal asks as it did, and the same turn planned afresh (after `lemming reset`, or
       * with the org put back to an earlier turn) is asked afresh. Absent in journals of older versions.
       */
      id?: string;
      calls: PlannedCall[];
      /** The org as this turn was planned (`org/state/cache/planned-org.json`): a recovered turn runs with it. */
      orgSnapshot?: string;
      /** What the scan at the start of the turn found, committed with the turn. */
      discovered: {
        hints: OutboxHints;
        /** Outbox files the scan took in (delivered, refused, skipped, history). */
        taken: Record<string, string[]>;
        /** Of those, the files not delivered (refused, skipped, history); absent in journals of older versions. */
        undelivered?: Record<string, string[]>;
        joined: string[];
        pending: PendingItem[];
        humanNotices: EngineState['humanNotices'];
      };
      /** Events of the planning (skips, refusals found by the scan), replayed on recovery. */
      events: EngineEvent[];
      outOfCredits: string[];
      /** Notices created while planning (out of credits), delivered at commit. */
      notices: PendingItem[];
      /** Ids of waiting mail taken back from agents that left the org: dropped at commit. */
      returned?: string[];
      /**
       * By agent, the ids of its waiting mail whose files could not be read as the turn was planned (removed by hand, or
       * no longer a plain file), when none of its mail could be: it is not called, and they are dropped at commit as if read.
       */
      unreadable?: Record<string, string[]>;
      /** org/routing.yaml as the turn was planned: the turn is routed with it at its end, recovered or not. */
      routing?: RoutingRules;
      /** org/routing.yaml was broken as the turn was planned: mail awaiting an answer keeps waiting, whatever `routing` says. */
      routingHeld?: true;
      /** Agents with work that `engine.activation` did not draw this turn (their mail waits); absent: none. */
      notDrawn?: number;
      /** Each activation rule that governed an agent with work this turn, and how many it drew; absent: no rule governed anyone. */
      draws?: RuleDraws[];
      /** The meetings (org/meetings/) held this turn, as planned: a recovered turn holds these. */
      meetings?: PlannedMeeting[];
    }
  | {
      type: 'response';
      turn: number;
      agent: string;
      response: ProviderResponse;
      receivedAt: string;
      /** The mail the answered prompt showed, when a context-length retry showed less than the plan. */
      shown?: string[];
      /** The steps of the agent's loop (its answers folded into one), for the log and the screen. */
      steps?: StepSummary[];
      /** Why the loop ended before the model was done, when it did. */
      cutShort?: string;
      /** A later step's answer refused unread, as too large: its charge noted and the agent held when the response is applied. */
      refusedStep?: RefusedStep;
      /** The agent reflected after its answer (turn/reflect.ts): what it was shown and said, applied into memories with the response. */
      reflection?: ReflectionAnswer;
      /** Its model rated the importance of its earlier memories after its answer (turn/rate-importance.ts): applied into their files with the response. */
      rating?: RatingAnswer;
      /** The memories its prompt recalled (ids, in order): applied with the response as their access (memory/memory-access.ts). */
      recalled?: string[];
      /** Its call was its part in a meeting: what it heard and said there, applied into its memories with the response. */
      meeting?: MeetingHeard;
      /** What its answers, and refusals that stated sizes, taught the token ratios, in order (record/token-ratios.ts, Lesson): learned again by a turn finished after a crash, which does not ask for them again. */
      taught?: Lesson[];
      /**
       * lemming's estimate of the request its (first) answer was to, in tokens: the answer's input tokens are held to the usage
       * gate's floor of it when a turn finished after a crash reads the answer back (record/journaled-usage.ts). Absent in journals
       * of older versions and for a meeting's part: its input is then taken as journaled.
       */
      asked?: number;
    }
  /** A step's answer or a tool's result inside an agent's loop, journaled before the loop goes on. */
  | LoopRecord
  | MeetingRecord
  | {
      type: 'done';
      turn: number;
      outcome: AgentOutcome;
      /** A failed call's: what its answers and refusals taught the token ratios before it failed, learned again by a turn finished after a crash. */
      taught?: Lesson[];
    };

const openJournals = new Map<string, number>();
/** Records a crash may lose, waiting to go out with the journal's next write (see appendJournalLater). */
const laterLines = new Map<string, string>();
// What a process's end would close and drop, before a command run in-process (src/invocation.ts).
forgetAtNextCommand(() => {
  for (const descriptor of openJournals.values()) closeSync(descriptor);
  openJournals.clear();
  laterLines.clear();
});

/**
 * Append to the journal; a write that fails leaves it as it was (write-bytes.ts). After any failure
 * of storage in this process (storage-error.ts), nothing more is journaled: whatever caught that
 * failure on its way (a tool's catch, a cache), the step it stopped is not recorded as done, and
 * the next run does it again.
 */
function write(path: string, text: string): void {
  const failed = storageFailure();
  if (failed) throw failed;
  let descriptor = openJournals.get(path);
  if (descriptor === undefined) {
    descriptor = openOwnFile(path, 'append');
    openJournals.set(path, descriptor);
  }
  writeAll(descriptor, text, path, storageFault(path));
}

/**
 * Append a record now. The journal stays open for the turn (one descriptor, one write
 * per record) and is closed by removeJournal at commit. Records queued by
 * appendJournalLater go out before it, in the same write.
 */
export function appendJournal(path: string, record: JournalRecord): void {
  const line = `${JSON.stringify(record)}\n`;
  const queued = laterLines.get(path);
  if (queued === undefined) {
    write(path, line);
    return;
  }
  laterLines.delete(path);
  write(path, queued + line);
}

/**
 * Queue a record that a crash may lose without harm, to go out with the next record
 * written now or at flushJournal: an agent's `done` after its journaled response was
 * applied. Lost, the turn's recovery applies that response again (its files of the turn
 * removed first), so the turn still ends exactly once; kept back, a turn of N agents
 * costs N journal writes rather than 2N.
 */
export function appendJournalLater(path: string, record: JournalRecord): void {
  laterLines.set(path, `${laterLines.get(path) ?? ''}${JSON.stringify(record)}\n`);
}

/** Write the records queued by appendJournalLater: before the turn's charges go into the ledger, and before the journal is closed. */
export function flushJournal(path: string): void {
  const queued = laterLines.get(path);
  if (queued === undefined) return;
  laterLines.delete(path);
  write(path, queued);
}

/** Close the journal without removing it (a stopped turn stays journaled for the next run). */
export function closeJournal(path: string): void {
  try {
    flushJournal(path);
  } finally {
    const descriptor = openJournals.get(path);
    if (descriptor !== undefined) {
      openJournals.delete(path);
      closeSync(descriptor);
    }
  }
}

/**
 * Read the journal at start-up and cut a record a crash left half-written, so the
 * records this run appends are not glued to it (and lost with it at the next read).
 */
export function repairJournal(path: string): JournalRecord[] {
  const { records, wholeBytes, totalBytes } = readWholeRecords(path);
  if (wholeBytes < totalBytes) cutTornTail(path, wholeBytes);
  return records;
}

/** A plan read back from JSON gets its records keyed by agent names without a prototype again (see org/names.ts). */
function withNameRecords(record: JournalRecord): JournalRecord {
  if (record?.type !== 'plan' || typeof record.discovered !== 'object' || record.discovered === null) return record;
  const { hints, taken, undelivered } = record.discovered;
  record.discovered.hints = nameRecord(hints);
  record.discovered.taken = nameRecord(taken);
  if (undelivered !== undefined) record.discovered.undelivered = nameRecord(undelivered);
  return record;
}

function readWholeRecords(path: string): { records: JournalRecord[]; wholeBytes: number; totalBytes: number } {
  const read = readOwnFile(path);
  if ('absent' in read) return { records: [], wholeBytes: 0, totalBytes: 0 };
  // A folder or a pipe in its place is no journal: said, not taken for none (whose removal would then fail unexplained).
  if ('problem' in read) {
    throw new LemmingError('journal-not-file', `${shownJournal(path)} ${read.problem}, where lemming keeps the journal of a turn in progress (a file): move it away and run again`, { exitCode: EXIT.record });
  }
  const { records, wholeBytes } = wholeRecords(read.bytes, parsedRecord, damagedLine(path));
  return { records, wholeBytes, totalBytes: read.bytes.length };
}

function parsedRecord(text: string): JournalRecord | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? withNameRecords(data as JournalRecord) : undefined;
}

/** The journal as a person finds it from the org root, where it is the org's. Pure. */
function shownJournal(path: string): string {
  return path.endsWith('/org/state/journal.jsonl') ? 'org/state/journal.jsonl' : path;
}

/**
 * A line no record, with whole records after it. Appends never write a line in the middle, so it was
 * damaged after it was written (an edit, a disk): cut there, the records after it (answers already
 * paid for, tools already run) were dropped and asked and run again, unsaid.
 */
function damagedLine(path: string): DamagedLine {
  return {
    code: 'journal-line',
    file: shownJournal(path),
    holds: 'a record of the journal (a JSON object on one line, such as {"type":"done","turn":3,...})',
    then:
      ', and the records after it hold answers and tool results of the unfinished turn that would be lost and asked again. Mend or delete that one line and run again; ' +
      'removing the whole journal finishes the turn by asking its models again (charged again) and running its tools again.',
  };
}

/** The journal's whole records, read without repairing it: for a copier, which must not write. */
export function readJournal(path: string): JournalRecord[] {
  return readWholeRecords(path).records;
}

/** Close and delete the journal once its turn has committed (or has nothing to finish); a missing file is fine. */
export function removeJournal(path: string): void {
  // What is still queued belongs to a turn now committed (or to none): it is not needed.
  laterLines.delete(path);
  closeJournal(path);
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** What an answer's journal record and its application carry besides the answer: its loop's steps, where it was cut short, its reflection and ratings, the memories it recalled, the meeting it took part in. */
export type CallLoop = Pick<Extract<JournalRecord, { type: 'response' }>, 'steps' | 'cutShort' | 'refusedStep' | 'reflection' | 'rating' | 'recalled' | 'meeting' | 'taught'>;

/** The CallLoop fields of a call's result, or of its journaled answer, that it has. */
export function loopOf(from: CallLoop): CallLoop {
  // Field by field rather than by spreads of objects made for each: called twice for each of a turn's answers. The order is the journal's.
  const loop: CallLoop = {};
  if (from.steps) loop.steps = from.steps;
  if (from.cutShort !== undefined) loop.cutShort = from.cutShort;
  if (from.refusedStep !== undefined) loop.refusedStep = from.refusedStep;
  if (from.reflection) loop.reflection = from.reflection;
  if (from.rating) loop.rating = from.rating;
  if (from.recalled) loop.recalled = from.recalled;
  if (from.meeting) loop.meeting = from.meeting;
  if (from.taught) loop.taught = from.taught;
  return loop;
}

/**
 * What the answers journaled for `turn` (and the refusals before them) taught the token ratios, in the order they came: a turn finished
 * after a crash applies them and does not ask for them again, so it learns them from here (an answer's
 * record, a meeting's speech, a failed call's `done`; a step is learned again as its loop goes over it, step-loop.ts).
 */
export function lessonsJournaled(journal: readonly JournalRecord[], turn: number): Lesson[] {
  const lessons: Lesson[] = [];
  for (const record of journal) if (record.turn === turn && (record.type === 'response' || record.type === 'meeting-speech' || record.type === 'done')) lessons.push(...(record.taught ?? []));
  return lessons;
}
