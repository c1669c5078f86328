import { makePlan } from './make-plan.js';
import type { Org } from '../../org/org.js';
import type { Provider, ProviderResponse } from '../../providers/provider.js';
import { appendLog, cutLogFromTurn } from '../record/agent-log.js';
import type { CallTraces } from '../record/call-trace.js';
import { applyResponse } from './apply-response.js';
import { commitTurn, hintChangesOfTurn, takenInTurn } from './commit-turn.js';
import { crashPoint } from '../record/crash-points.js';
import type { TurnTools } from './ask-with-tools.js';
import { callAgent, type CallResult } from './call-agent.js';
import { isoText } from '../../iso-text.js';
import { callsOfPlan, toolsOfPlan } from './plan-calls.js';
import type { LoopRecord } from './step-loop.js';
import { FailingAgents } from './failing-agents.js';
import { DeadEnds } from './dead-ends.js';
import { SideEvents, withSideEvents } from './side-events.js';
import { TokenRatios } from '../record/token-ratios.js';
import type { EngineState } from '../record/engine-state.js';
import type { CallReason, EngineEvent, TurnStats } from '../events.js';
import { countEvent } from '../run-totals.js';
import { appendJournal, appendJournalLater, flushJournal, lessonsJournaled, loopOf, type AgentOutcome, type CallLoop, type JournalRecord, type PlannedCall } from '../record/journal.js';
import { appendTurnCharges, balanceOf, caughtUp } from '../money/ledger.js';
import { logScanRefusals } from './log-scan-refusals.js';
import { turnCharges } from './turn-charges.js';
import { mapConcurrent } from './map-concurrent.js';
import { betweenUnitsOfWork } from './let-others-run.js';
import { tellManager } from './plan-turn.js';
import { pendingByAgent, withAddedMail } from '../record/pending-index.js';
import { memoryLayerFor, type MemoryLayer, type PreparedCall } from './prepare-call.js';
import { ShownMail } from './shown-mail.js';
import type { Embedder } from '../../providers/embedding-gate.js';
import type { HintChanges, OutboxHintStore } from '../record/outbox-hints.js';
import { loadOrgSnapshot, PLANNED_ORG_FILE } from '../record/planned-org.js';
import { statePaths } from '../record/state-paths.js';
import { appendTaken } from '../record/taken-files.js';
import { importRouting, routingWanted } from '../routing/routing-entry.js';
import { problemWarning } from '../problem-warning.js';

type Plan = Extract<JournalRecord, { type: 'plan' }>;

/** What a turn needs from the engine that runs it. */
export interface TurnContext {
  root: string;
  org: Org;
  state: EngineState;
  /** Machine-local hints: which outbox folders are known unchanged. */
  hints: OutboxHintStore;
  /** The agents whose folders may have changed since the last turn (org/changes/), when not every agent is to be looked at. */
  changed?: ReadonlySet<string>;
  /** The journal of an unfinished turn found at start-up, if any. */
  journal: JournalRecord[];
  /** The provider for an agent's models, in order: the first answers, the others are fallbacks. */
  providerFor(modelKeys: readonly string[]): Provider;
  /** The embedder for a registry key (org.yaml `memory.embeddings`), where the run can reach one (turn/embed-query.ts). */
  embedderFor?: (modelKey: string) => Embedder | undefined;
  /** Tools that return results; without it, a turn is one step and only send_message and remember act. */
  tools?: TurnTools;
  clock(): Date;
  signal?: AbortSignal;
  /** What stops a tool call in progress: the stop, after a grace for a call under way to end (tool-grace.ts); `signal` without it. */
  toolSignal?: AbortSignal;
  /** Where each call's trace is kept, when org.yaml `engine.traces.keep` asks for them (absent when the org keeps none). */
  traces?: CallTraces;
}

/** Filled in by a turn as it runs: read it once its events have all been consumed. */
export interface TurnResult {
  /** The state after the turn, or undefined when it was stopped before it could commit. */
  state?: EngineState;
  /** What the turn changes in the outbox hints, with `state`: the engine applies it once the state is saved. */
  hintChanges?: HintChanges;
  /** The message files each agent wrote into its own outbox, with `state`: no hand edits, for the change feed once the state is saved. */
  written?: ReadonlyMap<string, readonly string[]>;
  stats: TurnStats;
}

/**
 * One turn, as a stream of events: take in new mail, plan who works, call the models
 * in parallel (bounded), apply each answer as it arrives and journal it, then commit.
 * A turn found half-done in the journal is finished, never repeated.
 */
export async function* runTurn(context: TurnContext, result: TurnResult): AsyncGenerator<EngineEvent> {
  const { root, state } = context;
  let org = context.org;
  const paths = statePaths(root);
  const turn = state.turn + 1;
  const started = performance.now();
  const stats = result.stats;
  let ledger = caughtUp(paths.ledger, state.ledger);
  const failing = FailingAgents.load(root);
  const deadEnds = DeadEnds.load(root);
  const journalPlan = context.journal.find((record): record is Plan => record.type === 'plan' && record.turn === turn);
  const recovering = journalPlan !== undefined;
  /** The memory layer, for an org in which some agent keeps a memory stream (loaded once the turn's org is known). */
  let memory: MemoryLayer | undefined;
  const responses = new Map<string, Extract<JournalRecord, { type: 'response' }>>();
  const finished = new Map<string, AgentOutcome>();
  const loopRecords = new Map<string, LoopRecord[]>();
  for (const record of context.journal) {
    if (record.turn !== turn) continue;
    if (record.type === 'response') responses.set(record.agent, record);
    if (record.type === 'step' || record.type === 'tool' || record.type === 'tool-started') loopRecords.set(record.agent, [...(loopRecords.get(record.agent) ?? []), record]);
    if (record.type === 'done') finished.set(record.outcome.agent, record.outcome);
  }

  let plan: Plan;
  const prepared = new Map<string, PreparedCall>();
  const openingEvents: EngineEvent[] = [];
  if (journalPlan) {
    // The turn is finished with the org it was planned with; edits made since apply from the next turn.
    const planned = journalPlan.orgSnapshot === undefined ? undefined : loadOrgSnapshot(paths.plannedOrg, journalPlan.orgSnapshot, root);
    if (planned !== undefined && !('refused' in planned)) org = planned;
    else if (planned !== undefined) {
      const why =
        planned.refused === 'changed'
          ? 'does not hold the org this interrupted turn was planned with: it was changed after lemming wrote it (its text is not the one the plan journaled), so it is not believed'
          : 'the org as this interrupted turn was planned is gone';
      openingEvents.push({ type: 'warning', turn, file: PLANNED_ORG_FILE, message: `${why}, so the turn is finished with the org as it is now` });
    }
  }
  memory = await memoryLayerFor(org);
  // What the servers of the turn's models taught (a recovered turn's as its first attempt sized with them, and what
  // its journaled answers taught); a file holding what is not believed is said, and written without it when the turn commits.
  const ratios = TokenRatios.load(root, org.models, turn, recovering ? lessonsJournaled(context.journal, turn) : undefined);
  for (const problem of ratios.problems) openingEvents.push(problemWarning(problem, turn));
  if (journalPlan) plan = journalPlan;
  else {
    const routing = routingWanted(root, state) ? (await importRouting()).planRouting(root, org, turn) : undefined;
    plan = await makePlan({ root, org, state, hints: context.hints, ...(context.changed ? { changed: context.changed } : {}), turn, ledger, failing, ratios, at: isoText(context.clock()), ...(routing ? { routing } : {}), ...(memory ? { memory } : {}), ...(context.embedderFor ? { embedderFor: context.embedderFor } : {}), ...(context.signal ? { signal: context.signal } : {}) }, prepared);
    // Holds let go while planning (an edit, `lemming retry`) are kept at once, as the plan is.
    failing.save();
  }

  // Activation holds agents with work as the plan is made; a recovered turn's plan says the same again.
  stats.refusals.activation += plan.notDrawn ?? 0;
  // The turn's counts only: the names each rule drew first are for taken.jsonl.
  if (plan.draws) stats.draws = plan.draws.map(({ rule, governed, drawn }) => ({ rule, governed, drawn }));
  yield { type: 'turn-started', turn, agents: plan.calls.map((call) => call.agent), recovering };
  yield* openingEvents;
  for (const event of plan.events) {
    if (event.type === 'agent-skipped') stats.skipped += 1;
    countEvent(stats, event);
    yield event;
  }

  const mail = withAddedMail(pendingByAgent(state.pending), [...plan.discovered.pending, ...plan.notices]);
  const outcomes: AgentOutcome[] = [...finished.values()];
  // The records of the agents done before a crash are as their outcomes left them (see AgentOutcome.records).
  for (const outcome of finished.values()) {
    if (outcome.records?.deadEnd !== undefined) deadEnds.restore(outcome.agent, outcome.records.deadEnd);
    if (outcome.records?.failing !== undefined) failing.restore(outcome.agent, outcome.records.failing);
  }

  const shownMail = new ShownMail(root, org, mail, prepared);
  /** Tell the senders of mail an agent keeps doing nothing with (see dead-ends.ts); the notices go out with its outcome. */
  const recordDeadEnd = (outcome: AgentOutcome, acted: boolean, shown: readonly string[], lastText: string, failed = false): void => {
    const had = deadEnds.has(outcome.agent);
    const told = deadEnds.record(org, outcome.agent, turn, { acted, failed, shown: shownMail.items(outcome.agent, shown), lastText });
    // The entry goes into the journal with the outcome, and the file is written once at the turn's end:
    // written here for each agent, it cost N writes of a file as long as the org (2,500 idle replies: 3.8 s).
    if (had || deadEnds.has(outcome.agent)) outcome.records = { ...outcome.records, deadEnd: deadEnds.entryOf(outcome.agent) };
    outcome.newMail.push(...told.notices);
    outcome.humanNotices.push(...told.humanNotices);
  };
  /** The event that says an agent was held by this turn's failure, said as its notices are written; none when it was not. */
  const heldThisTurn = (agent: string): EngineEvent[] => {
    const streak = failing.streak(agent);
    return streak?.held && streak.heldTurn === turn ? [{ type: 'agent-held', turn, agent, model: streak.model, failedTurns: streak.turns, cause: streak.cause }] : [];
  };
  const applyAndRecord = (
    agent: string,
    reason: CallReason,
    response: ProviderResponse,
    receivedAt: string,
    shown: string[],
    replaying: boolean,
    loop: CallLoop = {},
  ): EngineEvent[] => {
    const balanceBefore = balanceOf(org.agents.get(agent)?.credits ?? 0, ledger.totals[agent]);
    const applied = applyResponse({
      root,
      org,
      turn,
      agent,
      shown,
      reason,
      response,
      receivedAt,
      recovering: replaying,
      previousHint: Object.hasOwn(plan.discovered.hints, agent) ? plan.discovered.hints[agent] : context.hints.get(agent),
      onlyNotices: shownMail.onlyNotices(agent, shown),
      answered: (id) => shownMail.start(agent, shown, id),
      balanceBefore,
      ...(loop.steps ? { steps: loop.steps } : {}),
      ...(loop.cutShort !== undefined ? { cutShort: loop.cutShort } : {}),
      ...(loop.refusedStep !== undefined ? { unreadNote: loop.refusedStep.note } : {}),
      ...(memory && org.agents.get(agent)?.memory ? { memory: { layer: memory, read: () => shownMail.entries(agent, shown), ...(loop.reflection ? { reflection: loop.reflection } : {}), ...(loop.rating ? { rating: loop.rating } : {}), ...(loop.recalled ? { recalled: loop.recalled } : {}), ...(loop.meeting ? { meeting: loop.meeting } : {}) } } : {}),
    });
    if (loop.refusedStep !== undefined) {
      // A later step's answer refused unread: the steps before it stand, and the agent is held as for a first step's.
      const told = failing.recordFailure(org, agent, loop.refusedStep.modelKey, loop.refusedStep.error, turn, 'answer');
      applied.outcome.newMail.push(...told.notices);
      applied.outcome.humanNotices.push(...told.humanNotices);
      applied.outcome.records = { ...applied.outcome.records, failing: failing.entryOf(agent) };
      applied.events.push(...heldThisTurn(agent));
    } else if (failing.streak(agent)) {
      failing.recordSuccess(agent);
      applied.outcome.records = { ...applied.outcome.records, failing: null };
    }
    // Files written and tools used count as acting, as messages and notes do.
    const acted = applied.events.some((event) => event.type === 'message-delivered' || event.type === 'memory-written' || event.type === 'agent-step');
    recordDeadEnd(applied.outcome, acted, shown, response.text);
    const charged = applied.outcome.charge?.credits ?? 0;
    if (balanceBefore - charged <= 0 && balanceBefore > 0 && !plan.outOfCredits.includes(agent)) {
      // Tell the manager as the agent runs dry, not when mail next finds it broke.
      const told: Pick<Plan, 'notices'> & { humanNotices: EngineState['humanNotices'] } = { notices: [], humanNotices: [] };
      tellManager(told, org, agent, turn, balanceBefore - charged);
      applied.outcome.newMail.push(...told.notices);
      applied.outcome.humanNotices.push(...told.humanNotices);
      applied.outcome.ranDry = true;
    }
    crashPoint('after-write');
    // Its response is journaled: a crash that loses this line applies that response again.
    appendJournalLater(paths.journal, { type: 'done', turn, outcome: applied.outcome });
    crashPoint('after-apply');
    outcomes.push(applied.outcome);
    return applied.events;
  };
  /**
   * Charges go into the ledger in one append per turn. An outcome is journaled before
   * it is charged, and an agent charged for this turn is never charged again, so a
   * crash anywhere between the two leaves exactly one charge once the turn is finished. The lines go in
   * the plan's order (turn-charges.ts), so a recovered turn writes the bytes of one never stopped.
   */
  const flushCharges = (): void => {
    flushJournal(paths.journal);
    const charged = appendTurnCharges(paths.ledger, ledger, turn, turnCharges(plan.calls, outcomes));
    if (charged > 0) crashPoint('after-ledger');
  };

  // Answers journaled before a crash are applied again, not asked for again.
  const toCall: PlannedCall[] = [];
  for (const call of plan.calls) {
    if (finished.has(call.agent)) continue;
    if (!context.org.agents.has(call.agent)) {
      // Planned before a crash, removed from the org since: its turn ends here and its mail stays where it is.
      const message = `${call.agent} is no longer in the org, so its part of this interrupted turn was dropped`;
      const outcome: AgentOutcome = { agent: call.agent, read: [], newMail: [], humanNotices: [], activity: 'left the org', error: message };
      appendJournal(paths.journal, { type: 'done', turn, outcome });
      outcomes.push(outcome);
      yield { type: 'warning', turn, message };
      continue;
    }
    const journaled = responses.get(call.agent);
    if (journaled) {
      for (const event of applyAndRecord(call.agent, call.reason, journaled.response, journaled.receivedAt, journaled.shown ?? call.shown, true, loopOf(journaled))) {
        countEvent(stats, event);
        yield event;
      }
      continue;
    }
    // A crashed attempt may have logged this agent's failure already: the call is made again, so is its line.
    if (recovering) cutLogFromTurn(root, call.agent, turn);
    toCall.push(call);
  }

  // Every call of the turn, meetings' included, is made for this plan (plan-calls.ts): a turn planned afresh asks afresh.
  const calling = { ...context, providerFor: callsOfPlan(context.providerFor, plan.id), tools: toolsOfPlan(context.tools, plan.id) };
  // The turn's meetings (org/meetings/): an attendee's call of the turn is its part in its meeting (hold-meetings.ts).
  const meetings = plan.meetings ? new (await import('./hold-meetings.js')).MeetingRun({ root, org, turn, meetings: plan.meetings, calls: plan.calls, journaled: context.journal, journalPath: paths.journal, prepared, ratios, context: calling, creditsLeft: (agent) => balanceOf(org.agents.get(agent)?.credits ?? 0, ledger.totals[agent]), totals: ledger.totals, ...(memory ? { memory } : {}), tell: (event) => duringCalls.push(event) }) : undefined;
  const callOne = async (call: PlannedCall): Promise<CallResult> => {
    const agentMail = shownMail.items(call.agent, call.shown);
    const called = (await meetings?.partOf(call.agent)) ?? await callAgent({
      root,
      org,
      turn,
      call,
      mail: agentMail,
      // Prepared with the plan; a call planned before a crash is prepared again from its plan (call-agent.ts).
      prepared: prepared.get(call.agent),
      ratios,
      context: calling,
      creditsLeft: balanceOf(org.agents.get(call.agent)?.credits ?? 0, ledger.totals[call.agent]),
      journaled: loopRecords.get(call.agent) ?? [],
      journal: (record) => appendJournal(paths.journal, record),
      tell: (event) => duringCalls.push(event),
      ...(memory ? { memory } : {}),
    });
    // Journaled as it arrives, not when its turn to be applied comes (the lanes go on meanwhile,
    // map-concurrent.ts): a process killed then asks the model again only for the calls in flight.
    if (!('aborted' in called) && !('error' in called)) {
      appendJournal(paths.journal, { type: 'response', turn, agent: called.agent, response: called.response, receivedAt: called.receivedAt, shown: called.shown, ...loopOf(called), ...(called.asked === undefined ? {} : { asked: called.asked }) });
      crashPoint('after-response');
    }
    return called;
  };

  for (const call of toCall) {
    yield {
      type: 'agent-called',
      turn,
      agent: call.agent,
      model: call.modelKey,
      reason: call.reason,
      inbox: call.shown.length,
      deferred: call.deferred,
    };
  }
  stats.called += toCall.length;
  const reasons = new Map(toCall.map((call) => [call.agent, call.reason]));

  let stopped = false;
  // Retries and long waits, told from inside the calls as they happen.
  const duringCalls = new SideEvents<EngineEvent>();
  for await (const item of withSideEvents(mapConcurrent(toCall, org.settings.concurrency, callOne, context.signal), duringCalls)) {
    if ('event' in item) {
      // Told from inside the calls: retries, waits, and a meeting held (its deliveries count with the turn's).
      countEvent(stats, item.event);
      yield item.event;
      continue;
    }
    // Each agent's answer is a unit of work: between two, the process's server and signals are served.
    await betweenUnitsOfWork();
    const called = item.result;
    if ('aborted' in called) {
      stopped = true;
      continue;
    }
    if ('error' in called) {
      const told = failing.recordFailure(org, called.agent, called.modelKey, called.error, turn, holdsAtOnce(called));
      // Loaded by the first failed call: most turns have none.
      const { failedCall } = await import('./failed-call.js');
      const failed = failedCall(called, turn, org, isoText(context.clock()), balanceOf(org.agents.get(called.agent)?.credits ?? 0, ledger.totals[called.agent]));
      const outcome: AgentOutcome = {
        agent: called.agent,
        read: [],
        newMail: told.notices,
        humanNotices: [...told.humanNotices, ...failed.humanNotices],
        activity: 'error',
        error: called.error,
        // As for dead ends: the streak goes into the journal, the file is written at the turn's end.
        records: { failing: failing.entryOf(called.agent) },
        ...(failed.charge ? { charge: failed.charge } : {}),
      };
      recordDeadEnd(outcome, false, plan.calls.find((call) => call.agent === called.agent)?.shown ?? [], called.error, true);
      try {
        appendLog(root, called.agent, failed.log);
      } catch {
        // Its log cannot be written either: the error is in the event below and in `status`.
      }
      crashPoint('after-write');
      // What it taught before it failed goes with its outcome: a crash before the ratios are saved learns it from here.
      appendJournal(paths.journal, { type: 'done', turn, outcome, ...(called.taught ? { taught: called.taught } : {}) });
      outcomes.push(outcome);
      for (const event of failed.events) {
        countEvent(stats, event);
        yield event;
      }
      // Held by this failure: said now, as the notices are written, not only when a later turn leaves it out.
      yield* heldThisTurn(called.agent);
      continue;
    }
    for (const event of applyAndRecord(called.agent, reasons.get(called.agent) ?? 'mail', called.response, called.receivedAt, called.shown, false, loopOf(called))) {
      countEvent(stats, event);
      yield event;
    }
  }
  flushCharges();
  if (stopped || context.signal?.aborted) {
    stats.durationMs = performance.now() - started;
    return;
  }

  failing.save();
  deadEnds.save();
  ratios.save(turn);
  yield* logScanRefusals(root, turn, plan.at ?? isoText(context.clock()), plan.events, recovering);
  // Only an org with rules, or mail awaiting an answer under rules it had, loads its routing.
  const routing = plan.routing || plan.routingHeld || routingWanted(root, state) ? await importRouting() : undefined;
  const routed = routing?.routeTurn({ root, org, turn, rules: plan.routing, ...(plan.routingHeld ? { held: true } : {}), at: plan.at ?? isoText(context.clock()), state, discovered: plan.discovered.pending, outcomes });
  for (const event of routed?.events ?? []) {
    countEvent(stats, event);
    yield event;
  }
  crashPoint('before-commit');
  // One read takes in this turn's charges and any top-up made while it ran.
  ledger = caughtUp(paths.ledger, ledger);
  const taken = takenInTurn(plan, outcomes);
  const takenBytes = appendTaken(paths.taken, { turn, ...(routing && routed ? routing.withRoutedFiles(taken, routed) : taken) }, state.takenBytes);
  crashPoint('after-taken');
  const committed = commitTurn(state, plan, outcomes, ledger);
  const hintChanges = hintChangesOfTurn(plan, outcomes);
  result.state = { ...(routing && routed ? routing.withRouting(committed, routed) : committed), takenBytes };
  result.hintChanges = routing && routed ? routing.routedHintChanges(hintChanges, routed) : hintChanges;
  result.written = new Map(outcomes.flatMap((outcome) => (outcome.wrote && outcome.wrote.length > 0 ? [[outcome.agent, outcome.wrote] as const] : [])));
  stats.durationMs = performance.now() - started;
}

/** What makes a failed call hold its agent at once (failing-agents.ts): a key the server refused, or an answer lemming refused unread. */
function holdsAtOnce(failed: { keyRefused?: boolean; refused?: unknown }): 'key' | 'answer' | undefined {
  if (failed.keyRefused === true) return 'key';
  return failed.refused === undefined ? undefined : 'answer';
}
