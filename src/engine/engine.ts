import { forgetStorageFailure, isStorageError, storageFailure } from '../storage/storage-error.js';
import { OrgLoader } from '../org/load-org.js';
import { OrgUptake } from './org-uptake.js';
import { startWarnings } from './start-warnings.js';
import { ProviderChains } from './provider-chains.js';
import { requireOrgRoot } from '../org/must-exist.js';
import type { Org } from '../org/org.js';
import { defaultProviderFactory, gatedModels, type ProviderFactory } from '../providers/create-provider.js';
import { crashPoint } from './record/crash-points.js';
import { type EngineState } from './record/engine-state.js';
import { saveState } from './record/state-store.js';
import { openRecord } from './record/open-record.js';
import { OutboxHintStore } from './record/outbox-hints.js';
import type { EngineEvent, RunCap } from './events.js';
import { addTurn, emptyStats, emptyTotals, runFinished } from './run-totals.js';

import { closeJournal, removeJournal, type JournalRecord } from './record/journal.js';
import { JOURNAL_FILE } from './record/journaled-usage.js';
import { acquireLock, type OrgLock } from './record/lock.js';
import { enterTurnGate, enterTurnGateSync } from './record/turn-gate.js';
import { runTurn, type TurnResult } from './turn/run-turn.js';
import { keepMemoryIndexes } from './turn/prepare-call.js';
import { betweenUnitsOfWork } from './turn/let-others-run.js';
import type { CallTraces } from './record/call-trace.js';
import { SideEvents, withSideEvents } from './turn/side-events.js';
import { statePaths } from './record/state-paths.js';
import { hasUntoldTrouble, turnWouldFindWork } from './human/waiting-mail.js';
import { ToolRunner, type McpPlacement } from '../tools/tool-runner.js';
import { unreachableNotice } from './turn/unreachable-notice.js';
import { FailingAgents } from './turn/failing-agents.js';
import { UnreachableModelError } from '../providers/reachability.js';
import { EngineHistory } from './engine-history.js';
import { importBudget } from './budget/budget-entry.js';
import { embedderFor } from './turn/embed-query.js';
import { afterGrace } from './turn/tool-grace.js';

/** How to open an `Engine` on an org root. */
export interface EngineOptions {
  root: string;
  /**
   * Builds a provider for a registry entry; defaults to lemming's own providers, with
   * keys from the environment and the root's `.env`. Its `preflight` runs before the first turn.
   */
  providerFactory?: ProviderFactory;
  /** Times for log entries and the turn's plan, and for messages when the provider gives none; defaults to the system clock. */
  clock?: () => Date;
  /** Shown to anyone who finds the lock taken. */
  command?: string;
  /** `--record`/`--replay`: MCP offers and results go to, or come from, the tape beside this cassette. */
  cassette?: { record?: string; replay?: string };
  /** Where live MCP calls run: the queue's workers when a run uses one (see McpPlacement); this process by default. */
  mcp?: McpPlacement;
  /** Events from outside a turn's own work (the job queue's notices), merged into the stream as they are pushed. */
  notices?: SideEvents<EngineEvent>;
  /** `false`: keep no history whatever org.yaml says (a dry run's scratch copy, whose turns are thrown away). */
  history?: false;
  /** Read org.yaml, the chart and the resumes from this org folder, read only (a dry run's scratch holds none: dry-run/). */
  orgFilesFrom?: string;
}

/** Limits for `Engine.run`; the signal stops it, leaving a turn in progress journaled for the next run. */
export interface RunOptions {
  /** Stop after this many turns (default: org.yaml engine.max_turns, or none with `untilTurn`). */
  maxTurns?: number;
  /** Stop once this turn has committed (`lemming run --until N`): a turn a crash left unfinished is one of the way, not one more. */
  untilTurn?: number;
  /** Stop as soon as no agent has unread mail (default true). */
  stopWhenIdle?: boolean;
  signal?: AbortSignal;
  /**
   * The most seconds a stop by `signal` may take (`--shutdown-timeout`; default org.yaml engine.shutdown_seconds): a
   * tool call in progress gets half of it to end before it is stopped (turn/tool-grace.ts).
   */
  stopBoundSeconds?: number;
}

/**
 * The engine for one org root. Opening it takes the org's lock (one writer at a
 * time) and finishes any turn a crash left half-done; `run` yields events.
 */
export class Engine {
  readonly root: string;
  private readonly lock: OrgLock;
  private lockTakeOverSaid = false;
  /** The turn gate (record/turn-gate.ts) while this engine holds it: during a turn, and while a turn is unfinished. */
  private gate: OrgLock | undefined;
  private readonly factory: ProviderFactory;
  /** One provider per registry entry (so its rate limits are shared), and one per agent's list of models. */
  private readonly chains: ProviderChains;
  private readonly clock: () => Date;
  /**
   * Loaded with the first turn of an org that keeps call traces (org.yaml `engine.traces.keep`), or
   * that finishes a turn planned before a crash (planned, perhaps, with an org that kept them): an org
   * that keeps none never loads the trace modules (four files, and the writer's thread code).
   */
  private traces: CallTraces | undefined;
  /** Built-in and MCP tools; MCP servers start when first needed and stop when a run ends. */
  private readonly tools: ToolRunner;
  private readonly notices: SideEvents<EngineEvent> | undefined;
  private org: Org;
  private state: EngineState;
  private readonly hints: OutboxHintStore;
  /** Hand edits, interventions and approvals taken up before each turn, and what changed. */
  private readonly uptake: OrgUptake;
  private journal: JournalRecord[];
  /** What the journal's gate said as the journal was read back: warnings of the turn that finishes it. */
  private journalSaid: string[];
  /** The org's history, when org.yaml keeps one: told when a turn is about to start and when one has committed. */
  private readonly history: EngineHistory;

  private constructor(options: EngineOptions, lock: OrgLock, gate: OrgLock, loader: OrgLoader, org: Org) {
    this.root = options.root;
    this.lock = lock;
    this.gate = gate;
    this.org = org;
    this.factory = options.providerFactory ?? defaultProviderFactory(options.root);
    this.chains = new ProviderChains(this.factory);
    this.clock = options.clock ?? (() => new Date());
    this.uptake = new OrgUptake(this.root, loader, this.clock, () => this.chains.clear());
    this.tools = new ToolRunner(this.root, () => this.org, { ...options.cassette, ...(options.mcp ? { mcp: options.mcp } : {}) });
    this.notices = options.notices;
    this.history = new EngineHistory(this.root, options.history !== false, () => this.org, (notice) => this.tellHuman(notice));
    const record = openRecord(this.root, org, gatedModels(this.factory, org.models));
    this.state = record.state;
    this.journal = record.journal;
    this.journalSaid = record.said;
    this.hints = OutboxHintStore.load(statePaths(this.root).outboxHints);
    // An unfinished turn keeps the gate until it commits: a backup meanwhile would copy half of it.
    if (!this.hasUnfinishedTurn) this.leaveGate();
  }

  /**
   * Take the lock, load the org and check that its models can be reached (keys set);
   * throws LockedError, InvalidOrgError with every problem, or the provider's error.
   */
  static open(options: EngineOptions): Engine {
    requireOrgRoot(options.root);
    // A disk that was full for an earlier engine of this process may have room now: its writes will say.
    forgetStorageFailure();
    const lock = acquireLock(options.root, options.command ?? 'run');
    let gate: OrgLock | undefined;
    try {
      const loader = new OrgLoader(options.root, options.orgFilesFrom === undefined ? {} : { filesFrom: options.orgFilesFrom });
      const { org } = loader.loadOrThrow();
      const providerFactory = options.providerFactory ?? defaultProviderFactory(options.root);
      providerFactory.preflight?.(org as Org);
      // Opening repairs the record and may finish a crashed turn's files: not while a backup copies them.
      gate = enterTurnGateSync(options.root, options.command ?? 'run');
      return new Engine({ ...options, providerFactory }, lock, gate, loader, org as Org);
    } catch (error) {
      gate?.release();
      lock.release();
      throw error;
    }
  }

  /**
   * Before the first turn of a run: stop with UnreachableModelError, and a notice in the
   * human's inbox, when an agent's every model is on a server nothing answers at.
   */
  async checkModelsReachable(): Promise<void> {
    const unreachable = (await this.factory.probe?.(this.org)) ?? [];
    if (unreachable.length === 0) return;
    this.tellHuman(unreachableNotice(unreachable, this.state.turn));
    throw new UnreachableModelError(unreachable);
  }

  /** Put a notice in the human's inbox, once: between turns, never during one. */
  private tellHuman(notice: EngineState['humanNotices'][number]): void {
    if (this.state.humanNotices.some((existing) => existing.id === notice.id)) return;
    // Only the human's notices change, and the file is replaced atomically: an unfinished turn's journal is untouched.
    this.state = { ...this.state, humanNotices: [...this.state.humanNotices, notice] };
    saveState(statePaths(this.root).state, this.state);
  }

  get currentOrg(): Org {
    return this.org;
  }

  get lastTurn(): number {
    return this.state.turn;
  }

  /** True when a crash left a turn half-done that the next turn will finish. */
  get hasUnfinishedTurn(): boolean {
    return this.journal.length > 0;
  }

  /**
   * Whether a turn would find work: an unfinished turn, unread mail for an agent that
   * can pay for it, or an outbox that changed since the last turn (new mail, maybe).
   */
  hasWork(): boolean {
    return (
      this.hasUnfinishedTurn ||
      turnWouldFindWork(this.root, this.org, this.state, this.hints, this.uptake.changed.all ? undefined : this.uptake.changed.agents) ||
      (this.uptake.interventions?.interventionsAhead(this.root, this.state.turn) ?? false)
    );
  }

  /** Whether a stranded agent's manager is still to be told, or a notice still to be read (see hasUntoldTrouble). */
  hasUntoldTrouble(): boolean {
    const failing = FailingAgents.load(this.root);
    return !this.hasUnfinishedTurn && hasUntoldTrouble(this.root, this.org, this.state, (agent) => !failing.isHeld(this.org, agent));
  }

  /** Run turns until the org is idle, the turn cap, or the signal. */
  run(options: RunOptions = {}): AsyncGenerator<EngineEvent> {
    return this.withNotices(this.runTurns(options));
  }

  /**
   * The events of `source` with the notices pushed meanwhile between them, each as soon as it comes; `source` itself
   * when there are none to merge. Every event of a turn passes through each generator it is handed on by, at some 300
   * bytes a level (10,000 busy agents: 40,000 events a turn), so no level is added that does nothing.
   */
  private withNotices(source: AsyncGenerator<EngineEvent>): AsyncGenerator<EngineEvent> {
    return this.notices ? this.mergeNotices(source, this.notices) : source;
  }

  private async *mergeNotices(source: AsyncGenerator<EngineEvent>, notices: SideEvents<EngineEvent>): AsyncGenerator<EngineEvent> {
    for await (const item of withSideEvents(source, notices)) yield 'event' in item ? item.event : item.result;
  }

  private async *runTurns(options: RunOptions): AsyncGenerator<EngineEvent> {
    const maxTurns = options.maxTurns ?? (options.untilTurn === undefined ? this.org.settings.max_turns : Infinity);
    let cap: RunCap = { by: options.maxTurns === undefined ? 'max_turns' : 'turns', turns: maxTurns };
    const stopWhenIdle = options.stopWhenIdle ?? true;
    const totals = emptyTotals();
    yield { type: 'run-started', root: this.root, org: this.org.name, turn: this.state.turn, resumed: this.hasUnfinishedTurn };
    // Said at every run, before any turn (start-warnings.ts); a lock taken over, by the first run only.
    yield* startWarnings(this.root, this.org, this.state, await this.tools.warnings(), this.lockTakeOverSaid ? undefined : this.lock.tookOver);
    this.lockTakeOverSaid = true;
    // The ceilings' code, before the first look for work: an org at its ceiling is idle, not a turn of skips.
    if (this.org.budget) await importBudget();
    let reason: Extract<EngineEvent, { type: 'run-finished' }>['reason'] = 'turn-cap';
    while (totals.turns < maxTurns) {
      // Turns of idle agents are short and all promise callbacks: between two, the loop is handed back.
      await betweenUnitsOfWork();
      if (options.signal?.aborted) {
        reason = 'stopped';
        break;
      }
      await this.enterGate();
      const result: TurnResult = { stats: emptyStats() };
      try {
        for (const event of await this.history.beforeTurn(this.state.turn, this.hasUnfinishedTurn, totals.turns === 0)) yield event;
        // After the history's look: a run that reaches no new turn still writes the entries a killed run left (as an idle one does).
        if (options.untilTurn !== undefined && this.state.turn >= options.untilTurn) {
          cap = { by: 'until', turn: options.untilTurn };
          break;
        }
        for (const event of await this.takeUpOrg()) yield event;
        if (stopWhenIdle && !this.hasWork()) {
          reason = 'idle';
          break;
        }
        yield* this.turnOnOrg(result, options.signal, false, options.stopBoundSeconds);
      } finally {
        this.leaveGate();
      }
      if (!result.state) {
        reason = 'stopped';
        break;
      }
      addTurn(totals, result.stats);
      // Whether the org is now idle is asked at the top of the loop, after the next reload.
    }
    // The run's MCP servers stop with it (a stop by Ctrl-C comes here too); the next run starts them again if needed.
    await this.tools.close();
    // The last turn's entry is written before the run says it finished (a process that exits then loses none); said first, as
    // the wait is git's and may be long, and a stop meanwhile leaves no turn to finish.
    if (this.history.underWay()) yield { type: 'history-writing', turn: this.state.turn };
    for (const event of await this.history.settle(this.state.turn)) yield event;
    // How it ended, and whose mail still waits and why (run-totals.ts).
    yield runFinished(this.root, this.org, this.state, reason, totals, cap);
  }

  /** Exactly one turn. `result.state` is set when it committed. */
  turn(result: TurnResult = { stats: emptyStats() }, signal?: AbortSignal): AsyncGenerator<EngineEvent> {
    return this.withNotices(this.turnOnOrg(result, signal, true));
  }

  /** Wait at the turn gate for a backup that is copying the org, then hold it for a turn. */
  private async enterGate(): Promise<void> {
    this.gate ??= await enterTurnGate(this.root, 'run');
  }

  /** Open the gate once the turn has committed; a turn left unfinished (stopped, failed) keeps it until this engine closes. */
  private leaveGate(): void {
    if (this.hasUnfinishedTurn) return;
    this.gate?.release();
    this.gate = undefined;
  }

  /** The call traces, loaded on the first turn that may keep one (see `traces`). */
  private async callTraces(): Promise<CallTraces | undefined> {
    if (this.traces === undefined && (this.org.settings.traces.keep > 0 || this.journal.length > 0)) {
      const { CallTraces } = await import('./record/call-trace.js');
      this.traces = new CallTraces(this.root);
    }
    return this.traces;
  }

  /**
   * A turn on the org as it is loaded. `alone` (`turn`, a single turn): first it holds the turn gate and takes up the
   * history and the org's edits, as `run` does before each of its turns, and it opens the gate again at its end; in
   * the same generator rather than one around it, as every event of the turn would pass through that one too.
   */
  private async *turnOnOrg(result: TurnResult, signal?: AbortSignal, alone = false, stopBoundSeconds?: number): AsyncGenerator<EngineEvent> {
    if (alone) await this.enterGate();
    try {
      if (alone) {
        for (const event of await this.history.beforeTurn(this.state.turn, this.hasUnfinishedTurn, true)) yield event;
        for (const event of await this.takeUpOrg()) yield event;
      }
      for (const message of this.journalSaid.splice(0)) yield { type: 'warning', turn: this.state.turn + 1, file: JOURNAL_FILE, message };
      // A turn begun by an earlier run (or attempt) charged some of its calls there: its stats do not hold them, the ledger does.
      const finishing = this.hasUnfinishedTurn;
      const traces = await this.callTraces();
      // Stopped by the caller's signal, or by a full disk: then the calls still on their way are dropped
      // (the turn is journaled; the next run asks what was not) rather than kept waiting for.
      const stop = new AbortController();
      const stopNow = (): void => stop.abort();
      if (signal?.aborted) stop.abort();
      signal?.addEventListener('abort', stopNow);
      const toolStop = afterGrace(stop.signal, (stopBoundSeconds ?? this.org.settings.shutdown_seconds) * 500);
      const context = {
        root: this.root,
        org: this.org,
        state: this.state,
        hints: this.hints,
        ...(this.uptake.changed.all ? {} : { changed: this.uptake.changed.agents }),
        journal: this.journal,
        providerFor: (modelKeys: readonly string[]) => this.chains.for(this.org, modelKeys),
        ...(this.factory.embedder ? { embedderFor: embedderFor((modelKey, entry) => this.factory.embedder?.(modelKey, entry), this.org) } : {}),
        tools: this.tools,
        clock: this.clock,
        ...(traces ? { traces } : {}),
        signal: stop.signal,
        toolSignal: toolStop.signal,
      };
      try {
        yield* runTurn(context, result);
      } catch (error) {
        if (!isStorageError(error)) throw error;
        stop.abort();
        throw error.duringTurn();
      } finally {
        signal?.removeEventListener('abort', stopNow);
        toolStop.dispose();
        // A big turn's traces are written by a thread while it runs (record/trace-writer.ts): a finished turn's are on disk.
        await traces?.flush();
      }
      // A failure of the disk that a writer swallowed (a trace, a cache): the turn is not committed on it.
      const failed = storageFailure();
      if (failed) throw failed.duringTurn();
      if (!result.state) return;
      const paths = statePaths(this.root);
      try {
        saveState(paths.state, result.state);
      } catch (error) {
        throw isStorageError(error) ? error.duringTurn() : error;
      }
      crashPoint('after-commit');
      // In place, once the turn is saved: a turn that did not commit leaves the hints as they were.
      this.hints.committed(result.hintChanges, this.uptake.looksEveryTurn);
      // An outbox the turn wrote into without keeping its hint is listed at the next turn, as one with no hint always was.
      for (const [owner, hint] of Object.entries(result.hintChanges ?? {})) if (hint === null) this.uptake.markUnhinted(owner);
      for (const [owner, names] of result.written ?? []) this.uptake.wrote(owner, names);
      removeJournal(paths.journal);
      this.state = result.state;
      this.journal = [];
      this.history.afterCommit(result.state.turn, finishing ? undefined : result.stats.credits);
      yield { type: 'turn-finished', turn: result.state.turn, stats: result.stats };
    } finally {
      if (alone) this.leaveGate();
    }
  }

  /**
   * Release the lock, at once; the engine cannot be used after this. Resolves (never rejects) once git has written the last
   * turn's history entry and exited, and the MCP servers and the trace thread have stopped: what a caller awaits before it
   * removes, copies or forks the org, or exits.
   */
  close(): Promise<void> {
    this.uptake.close();
    // The hints of the turns since they were last written; a disk that refuses only makes the next start slower.
    this.hints.close();
    const finished = Promise.allSettled([this.history.close(), this.tools.close(), this.traces?.close()]).then(() => undefined);
    // Memory's stream indexes, kept for the next process (a write that fails only makes its first turn list the streams).
    keepMemoryIndexes();
    try {
      closeJournal(statePaths(this.root).journal);
    } catch (error) {
      // A disk that stopped the run refuses the records still queued: they are ones a crash may lose (appendJournalLater).
      if (!isStorageError(error)) throw error;
    } finally {
      this.gate?.release();
      this.gate = undefined;
      this.lock.release();
    }
    return finished;
  }

  /** After `close`: whether it still waits for git to finish the history (what a caller that waits says). */
  get historyClosing(): boolean {
    return this.history.stillClosing();
  }

  /** Before a turn: hand edits, interventions and approvals taken up (org-uptake.ts). */
  private async takeUpOrg(): Promise<EngineEvent[]> {
    const { org, events } = await this.uptake.take(this.org, this.state.turn, this.hasUnfinishedTurn);
    this.org = org;
    return events;
  }
}
