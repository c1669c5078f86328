import type { FormCounts, HoldCause, RefusalCounts, SendCause } from '../format/mail-outcomes.js';
import type { Problem } from '../errors.js';
import type { Priority } from '../mailbox/message.js';
import type { StepToolSummary } from './turn/step-loop.js';
import type { RuleDraws } from './turn/activation.js';
import type { QueueNotice } from '../queue/queue-notice.js';

/** A message as the event stream shows it: enough for a feed line, not the whole body. */
export interface MessageSummary {
  id: string;
  from: string;
  /** The first recipient; `others` the rest of `to:` and `cc:`, when a message reaches several. */
  to: string;
  others?: string[];
  turn: number;
  subject?: string;
  priority: Priority;
  /** The first line of the body, cut to 120 characters. */
  preview: string;
  /** The file, relative to the org root. */
  file: string;
  /** The message it answers (`reply_to`): what threads a request to its answer. */
  replyTo?: string;
}

/**
 * Why an agent with work was not called: a balance at or below zero, or too few credits for
 * the call's estimated cost; a loop breaker's hold, an intervention's hold, a ceiling of `budget:`.
 */
export type SkipReason = 'out-of-credits' | 'insufficient-credits' | 'breaker' | 'intervention' | 'budget';

/** A loop a breaker of org.yaml `engine.breakers` saw, and a few of the messages it saw it in. */
export interface LoopSeen {
  kind: 'ping-pong' | 'repeated-messages' | 'escalation-storm';
  /** The agents in it, in name order: those a `pause` holds. */
  agents: string[];
  /** `pause`: the agents are held until `lemming retry`; `warn`: only told. */
  action: 'pause' | 'warn';
  /** One line: what was seen. */
  summary: string;
  /** Some of its messages: id, file (relative to the org root) and the start of the body. */
  messages: Array<{ id: string; file: string; quote: string }>;
}

/** Why an agent is called in a turn: mail waits for it, its schedule wakes it, or it attends a meeting (org/meetings/). */
export type CallReason = 'mail' | 'schedule' | 'meeting';

/**
 * Everything the engine does, as a stream of tagged events. The terminal UI, the
 * plain and JSON output and the tests all read this same stream.
 */
export type EngineEvent =
  | { type: 'run-started'; root: string; org: string; turn: number; resumed: boolean }
  /** Hand edits the turn uses: `files` took effect, `fixed` had errors and have none now, agents joined or left. */
  | { type: 'org-reloaded'; turn: number; files: string[]; fixed: string[]; joined: string[]; left: string[] }
  /** Some files have errors: each keeps its last valid version (a new agent's broken resume keeps it out) and the turn runs. */
  | { type: 'org-invalid'; turn: number; problems: Problem[] }
  | { type: 'warning'; turn: number; file?: string; message: string }
  | { type: 'turn-started'; turn: number; agents: string[]; recovering: boolean }
  | { type: 'agent-called'; turn: number; agent: string; model: string; reason: CallReason; inbox: number; deferred: number }
  | { type: 'agent-skipped'; turn: number; agent: string; reason: SkipReason; balance: number; needed?: number; /** Why it is held (reason `breaker` or `intervention`): the hold's own words. */ breaker?: string; /** The ceiling that holds it (reason `budget`): `the org` or `planner's department`. */ budget?: string }
  /** An org.yaml `budget:` ceiling passed one of its warning shares; at share 1 it is reached and no new model call starts under it. */
  | { type: 'budget-warning'; turn: number; /** The department's lead; absent: the whole org. */ department?: string; share: number; spent: number; ceiling: number }
  /** A loop breaker (org.yaml `engine.breakers`) saw a loop: the human is told, and with `pause` its agents are held. */
  | ({ type: 'loop-detected'; turn: number } & LoopSeen)
  /** `forms`: its readers, by the form that reached each (a post to a list of 7 is 7 `list`); absent in a turn rebuilt from the logs, which do not say. */
  | { type: 'message-delivered'; turn: number; message: MessageSummary; forms?: FormCounts }
  | {
      type: 'message-refused';
      turn: number;
      from: string;
      to: string;
      reason: string;
      /** The rule that refused it: the chart (a list's may_post, a name that is no one's) or the per-turn cap. */
      cause: SendCause;
      subject?: string;
      /** The id of the notice that tells the sender. */
      notice?: string;
      /** The message file, when a scan of an outbox refused one (relative to the org root). */
      file?: string;
      /** Several sends of one reply refused for the same reason, reported once: how many (`to` is the first). */
      count?: number;
      /** With `count`: the first few recipients. */
      recipients?: string[];
    }
  | { type: 'memory-written'; turn: number; agent: string; key: string; forgotten: boolean }
  | { type: 'credits-charged'; turn: number; agent: string; model: string; inputTokens: number; outputTokens: number; credits: number; balance: number; estimated: boolean }
  /** Something the agent's log notes; `error` when it is a failure of the run's own (an MCP server that did not start), counted in its errors. */
  | { type: 'agent-note'; turn: number; agent: string; message: string; error?: true; /** A tool call that was not carried out: an unknown tool, arguments that are not valid, a tool not granted. */ invalidCall?: true; /** A later step's answer lemming refused unread, which ended the loop (step-loop.ts): counted under `answer`, not an error. */ cause?: 'answer-too-large' }
  /** One step of an agent's turn: the tools it ran (arguments in short, result size or error). */
  | { type: 'agent-step'; turn: number; agent: string; step: number; tools: StepToolSummary[] }
  | { type: 'agent-error'; turn: number; agent: string; message: string; /** Why lemming refused the call's answer, when it did (provider-error.ts, refusedCallCause). */ cause?: 'answer-too-large' }
  /** A failed attempt will be tried again after `waitMs`: shown as it happens, not after the call. */
  | { type: 'agent-retrying'; turn: number; agent: string; model: string; attempt: number; attempts: number; waitMs: number; cause: string }
  /** A call has waited `seconds` for `model` (in flight, no answer yet): said as it happens, again while it goes on. */
  | { type: 'agent-waiting'; turn: number; agent: string; model: string; seconds: number }
  /** Not called (from this turn, or from now when it is the turn that held it): its model failed in `failedTurns` turns in a row; its mail waits (`lemming retry <agent>`). */
  | { type: 'agent-held'; turn: number; agent: string; model: string; failedTurns: number; cause: string }
  /** An approval the human made while this engine ran, carried out at the start of the turn (`failed`: closed instead, with the reason). */
  | { type: 'proposal-carried-out'; turn: number; id: string; proposer: string; summary: string; failed: boolean }
  /** An intervention of `org/interventions.yaml` carried out before the turn (`failed`: refused, with why). */
  | { type: 'intervention'; turn: number; index: number; kind: string; agent: string; summary: string; failed?: string }
  | { type: 'agent-done'; turn: number; agent: string; sent: number; refused: number }
  /** A meeting of org/meetings/ was held in the turn: how many spoke, its rounds, who could not come, its deliveries (each speech made, heard by each other attendee present) and its transcript. */
  | { type: 'meeting-held'; turn: number; meeting: string; speakers: number; rounds: number; absent: number; heard: number; file: string }
  | { type: 'turn-finished'; turn: number; stats: TurnStats }
  /**
   * The run's turns are done and git is still writing the history's last entries (org/state/history.git): the run
   * sums up once it has. Stopped meanwhile, the process leaves them beside the store, and the next run writes them.
   */
  | { type: 'history-writing'; turn: number }
  /** From the job queue while calls wait on workers (no worker serves a model, one joined or left, a job runs again): as it happens. */
  | ({ type: 'queue-notice' } & QueueNotice)
  /**
   * Not the engine's own: `lemming run --serve` between runs. `waiting`: the org went idle (or held:
   * a top-up, a retry or new mail may start it) and the process waits for mail to run again; `ended`: the run ended otherwise (the turn cap) and no turn
   * runs until the person starts one; the dashboard stays up either way until Ctrl-C.
   */
  | { type: 'run-waiting'; turn: number; state: 'waiting' | 'ended' }
  | {
      type: 'run-finished';
      /**
       * `models-failing`: nothing is left to do but mail for agents held because their models keep failing.
       * `held`: nothing is left to do but mail for agents a limit holds (`heldBy` says which): not an org that finished its work.
       */
      reason: 'idle' | 'held' | 'turn-cap' | 'stopped' | 'models-failing';
      turns: number;
      lastTurn: number;
      totals: RunTotals;
      /** Agents with unread mail that wait for credits (`lemming top-up`). */
      stranded: string[];
      /** Agents with unread mail held because their models keep failing (`lemming retry <agent>`). */
      failing: string[];
      /** Agents with unread mail held because a ceiling of org.yaml `budget:` is reached; absent: none. */
      atCeiling?: string[];
      /** Agents with unread mail a loop breaker of org.yaml `engine.breakers` holds; absent: none. */
      atBreaker?: string[];
      /** Agents with unread mail an intervention's `hold:` holds; absent: none. */
      atIntervention?: string[];
      /** With `held`: the limits that hold the agents whose mail waits, by cause (`budget`: their credits), in the order of REFUSAL_CAUSES. */
      heldBy?: EndingHold[];
      /** With `turn-cap`: which limit ended the run. */
      cap?: RunCap;
      /** With `turn-cap`: the agents with unread mail, whose work the next run goes on with. */
      waiting?: string[];
    };

/** A limit that can hold every agent with mail and so end a run `held`: its own credits, a ceiling of `budget:`, a loop breaker, an intervention's hold. */
export type EndingHold = Extract<HoldCause, 'budget' | 'ceiling' | 'breaker' | 'intervention'>;

/**
 * The limit a run stopped at: org.yaml `engine.max_turns`, the turns it was asked to run (`--turns`,
 * `run-once`), or the turn it was asked to reach (`--until`).
 */
export type RunCap = { by: 'max_turns' | 'turns'; turns: number } | { by: 'until'; turn: number };

/** Counts for one turn, carried by `turn-finished`. */
export interface TurnStats {
  called: number;
  skipped: number;
  /** Messages the org's agents wrote and the engine delivered. */
  delivered: number;
  /** Messages the human wrote, taken in: the person's requests, not the org's work. */
  fromHuman: number;
  /** Readers the turn's messages (the human's too) and meetings reached, by the form that reached each. */
  deliveries: FormCounts;
  /** Sends refused: `refusals.chart` + `refusals.cap`. */
  refused: number;
  /** Sends refused and agents with work not called, by cause (src/format/mail-outcomes.ts). */
  refusals: RefusalCounts;
  /** Each `engine.activation` rule that governed an agent with work: how many, and how many it drew (absent: no rule did). */
  draws?: RuleDraws[];
  /** Tool calls not carried out: unknown tools, malformed or invalid arguments, tools not granted. */
  invalidCalls: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  /** Credits charged for all of the turn's calls. */
  credits: number;
  /** Wall-clock time of the turn, in milliseconds. */
  durationMs: number;
}

/** Sums of the turn stats over a whole run, carried by `run-finished`. */
export interface RunTotals {
  turns: number;
  /** Messages the org's agents wrote and the engine delivered. */
  delivered: number;
  /** Messages the human wrote, taken in. */
  fromHuman: number;
  /** Readers reached, by form, over the run (see TurnStats). */
  deliveries: FormCounts;
  /** Sends refused: `refusals.chart` + `refusals.cap`. */
  refused: number;
  /** Sends refused and agent-turns with work not called, by cause, over the run. */
  refusals: RefusalCounts;
  /** Each activation rule's draws summed over the run's turns (absent: no rule governed anyone). */
  draws?: RuleDraws[];
  /** Tool calls not carried out (see TurnStats). */
  invalidCalls: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  credits: number;
}
