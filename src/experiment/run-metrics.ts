import { addCredits } from '../engine/money/credit-sum.js';
import type { SurveyRound } from './run-survey.js';
import type { RunPersonas } from './personas/measure-personas.js';
import { nameRecord } from '../org/names.js';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EndingHold, EngineEvent } from '../engine/events.js';
import { readLedgerFrom } from '../engine/money/ledger.js';
import { readLog } from '../engine/record/agent-log.js';
import { statePaths } from '../engine/record/state-paths.js';
import { HUMAN } from '../org/names.js';
import type { RunAttempt } from './run-process.js';
import type { RunOutcome } from './score-run.js';
import { noForms, noRefusals, sendsRefused, type FormCounts, type RefusalCounts } from '../format/mail-outcomes.js';
import { activationDraws, callsAtMaxSteps, mailOutcomes } from '../analysis/refusals/refusal-counts.js';
import { reachByTurn } from '../analysis/network/reach.js';
import type { ActivationDraws, ReachAtTurn } from '../analysis/org-analysis.js';
import { readOrgRecords } from '../analysis/records/read-records.js';
import { loadOrgForReading } from '../org/load-org-once.js';

/** Holds a run's metrics once it has ended: a run with this file is complete and is not run again. */
export const RESULT_FILE = 'experiment-result.json';

/** What one run of a variant came to, read from its org's files once it has ended. */
export interface RunMetrics {
  run: string;
  variant: string;
  /** How the last attempt ended, as the engine said (idle, the turn cap, …), or failed: the process exited with an error. */
  ended: Extract<EngineEvent, { type: 'run-finished' }>['reason'] | 'failed';
  /** With `held`: the limits that held the agents whose mail was left (`budget`: their own credits), as the engine said. */
  heldBy?: EndingHold[];
  /** The last finished turn, the org's own number (from a fork point, counted from the base's start, as every turn here is). */
  turns: number;
  /**
   * From a fork point: the base's turn the run was forked after. Messages, refusals, errors, calls and
   * credits then count only the run's own turns, after it; the shared turns' are the base's.
   */
  forkedAfterTurn?: number;
  /** The turn at which the org fell idle; null when it did not. */
  turnsToIdle: number | null;
  /** Messages the agents sent (delivered). */
  messages: number;
  /** Readers their messages (the human's too) and meetings reached, by form. */
  deliveries: FormCounts;
  /** Sends refused: `refusalsByCause.chart` + `refusalsByCause.cap`. */
  refusals: number;
  /** Sends refused (`chart`, `cap`) and agent-turns with work not called (`budget`, `ceiling`, `breaker`, `activation`), by cause. */
  refusalsByCause: RefusalCounts;
  /**
   * Agents (the person left out) a delivery had reached by the end of each of the run's turns, as
   * `lemming analyze` counts them; from a fork point, the run's own turns, counted from the org's start.
   * Absent in a result an earlier lemming wrote and nobody has read since.
   */
  reach?: ReachAtTurn[];
  /** Each rule of org.yaml `engine.activation` that governed an agent with work, over the run's own turns: governed and drawn. */
  activation?: ActivationDraws[];
  errors: number;
  calls: number;
  /**
   * Its calls (of its own turns) stopped at org.yaml `engine.max_steps`, their tools' last results unseen
   * by the model: a limit that decided part of the run. Absent in a result an earlier lemming wrote and nobody has read since.
   */
  callsAtMaxSteps?: number;
  credits: number;
  creditsByAgent: Record<string, number>;
  creditsByModel: Record<string, number>;
  /** The first message an agent wrote to the human: in which turn, by whom, and how long after the run started. */
  /** The first message an agent wrote to the human: its turn, its writer, and the run's own time before it (runTimeBefore). */
  humanAnswer: { turn: number; from: string; afterMs: number } | null;
  /** Wall time of every attempt together. */
  wallMs: number;
  /** Times it was started: once, and once more for each resume after a failure or a kill (startsOf). */
  attempts: number;
  /** Its survey's answers (run-survey.ts), when the experiment has a survey. */
  survey?: SurveyRound[];
  /** Its agents' personas measured (personas/measure-personas.ts): adherence and self-consistency. */
  personas?: RunPersonas;
  /** Its seed, checks and judge (score-run.ts): set once the run is scored. */
  outcome?: RunOutcome;
}

/** Each way a run can end (RunMetrics.ended), as the report's tables explain it: every one, so a reader filtering by it finds what it holds. */
export const RUN_ENDINGS: Record<RunMetrics['ended'], string> = {
  idle: 'no agent had mail or work left',
  held: "mail was left only for agents a limit held (held_by: org.yaml budget, engine.breakers, an intervention's hold, or their own credits)",
  'turn-cap': "stopped at its turns (the experiment's turns:, else engine.max_turns)",
  stopped: 'stopped by a signal (a kill, Ctrl-C) and not resumed',
  'models-failing': 'only agents held for failing models had mail',
  failed: 'the process exited with an error',
};


/**
 * How long a run had run by `at` (ms since the epoch), in its own time, as its wall time counts it:
 * each attempt's time before `at`, not the time between attempts (a survey asked at a pause, a kill
 * and the start that resumed it hours later). Pure.
 */
export function runTimeBefore(attempts: readonly RunAttempt[], at: number): number {
  let spent = 0;
  for (const attempt of attempts) {
    const start = Date.parse(attempt.startedAt);
    if (Number.isFinite(start) && at > start) spent += Math.min(attempt.wallMs, at - start);
  }
  return spent;
}

/**
 * How many times a run was started, from its processes: the first, and each that followed one
 * which did not end cleanly at a turn cap (a failure, a kill, a stop). A process that ended at its
 * turn cap was a pause the experiment planned (a survey question due after that turn): the next
 * process goes on with the same attempt. Pure.
 */
export function startsOf(attempts: readonly RunAttempt[]): number {
  return attempts.filter((_, index) => {
    const before = attempts[index - 1];
    return before === undefined || !(before.exitCode === 0 && before.finished?.reason === 'turn-cap');
  }).length;
}

/**
 * Measure a run from its files (logs, ledger) and its attempts. A run forked after turn
 * `forkedAfterTurn` holds the base's logs and ledger up to it: only later turns count.
 */
export function measureRun(root: string, run: string, variant: string, attempts: RunAttempt[], forkedAfterTurn?: number): RunMetrics {
  // The shared turns' lines are the base's, in every run alike.
  const shared = (turn: number): boolean => forkedAfterTurn !== undefined && turn <= forkedAfterTurn;
  const finished = attempts.at(-1)?.finished;
  // A run that said how it ended has ended that way (models that keep failing are an outcome too); one that did not, failed.
  const ended: RunMetrics['ended'] = finished ? finished.reason : 'failed';
  const metrics: RunMetrics = {
    run,
    variant,
    ended,
    ...(finished?.heldBy ? { heldBy: finished.heldBy } : {}),
    turns: finished?.lastTurn ?? 0,
    ...(forkedAfterTurn === undefined ? {} : { forkedAfterTurn }),
    turnsToIdle: ended === 'idle' ? (finished?.lastTurn ?? 0) : null,
    messages: 0,
    ...mailOf(root, forkedAfterTurn),
    errors: 0,
    calls: 0,
    credits: 0,
    // Keyed by agent names and model keys: no prototype (see org/names.ts).
    creditsByAgent: nameRecord(),
    creditsByModel: nameRecord(),
    humanAnswer: null,
    wallMs: attempts.reduce((sum, attempt) => sum + attempt.wallMs, 0),
    attempts: startsOf(attempts),
  };
  for (const agent of readdirSync(join(root, 'agents')).sort()) {
    // Every piece of its activity log, in order (engine/record/agent-log.ts: the one reader of a log).
    for (const line of readLog(root, agent)) {
      if (shared(line.turn)) continue;
      if (line.event === 'sent') metrics.messages += 1;
      if (line.event === 'error') metrics.errors += 1;
      if (line.event === 'sent' && line.to === HUMAN && (metrics.humanAnswer === null || line.turn < metrics.humanAnswer.turn)) {
        metrics.humanAnswer = { turn: line.turn, from: agent, afterMs: runTimeBefore(attempts, Date.parse(line.at)) };
      }
    }
  }
  for (const entry of readLedgerFrom(statePaths(root).ledger, 0).entries) {
    if (entry.type !== 'charge' || shared(entry.turn)) continue;
    metrics.calls += 1;
    metrics.credits = addCredits(metrics.credits, entry.credits);
    metrics.creditsByAgent[entry.agent] = addCredits(metrics.creditsByAgent[entry.agent] ?? 0, entry.credits);
    metrics.creditsByModel[entry.model] = addCredits(metrics.creditsByModel[entry.model] ?? 0, entry.credits);
  }
  return metrics;
}

/**
 * A run's readers by form, refusals by cause, reach by turn, draws by activation rule and calls stopped at max_steps, read as
 * `lemming analyze` reads any org (its records: message files, logs, taken.jsonl), only the run's own
 * turns after a fork point (reach counts from the org's start: who had been reached by then). A run
 * whose org can no longer be read (a failed run's invalid files) counts none.
 */
function mailOf(root: string, forkedAfterTurn: number | undefined): Pick<RunMetrics, 'deliveries' | 'refusals' | 'refusalsByCause' | 'reach' | 'activation' | 'callsAtMaxSteps'> {
  try {
    const records = readOrgRecords(loadOrgForReading(root).org);
    const outcomes = mailOutcomes(records, forkedAfterTurn);
    const after = forkedAfterTurn ?? -1;
    return {
      deliveries: outcomes.deliveries,
      refusals: sendsRefused(outcomes.refusals),
      refusalsByCause: outcomes.refusals,
      reach: reachByTurn(records).filter((turn) => turn.turn > after),
      activation: activationDraws(records, after),
      callsAtMaxSteps: callsAtMaxSteps(records, after),
    };
  } catch {
    return { deliveries: noForms(), refusals: 0, refusalsByCause: noRefusals(), reach: [], activation: [], callsAtMaxSteps: 0 };
  }
}

/**
 * A run's saved metrics as this lemming reads them: a result an earlier lemming wrote, without readers
 * by form, refusals by cause, reach by turn, draws by rule or calls stopped at max_steps, has them measured now from the run's folder.
 */
export function withMailOutcomes(root: string, metrics: RunMetrics): RunMetrics {
  if (metrics.deliveries !== undefined && metrics.refusalsByCause !== undefined && metrics.reach !== undefined && metrics.activation !== undefined && metrics.callsAtMaxSteps !== undefined) return metrics;
  return { ...metrics, ...mailOf(root, metrics.forkedAfterTurn) };
}
