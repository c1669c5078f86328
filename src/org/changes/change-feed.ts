import { ChangeLogReader } from './change-log.js';
import { canWatch, FolderWatch } from './folder-watch.js';
import { inotifyLimit } from './inotify-limit.js';
import { SpreadScan } from './spread-scan.js';

/** What changed since the last turn: every agent (look at all of them), or these agents' folders. */
export type Changed = { all: true } | { all: false; agents: ReadonlySet<string> };

/** How an org's changes are learnt (org.yaml `engine.changes`). */
export interface ChangeSettings {
  /** Agents looked at each turn when nothing tells the engine what changed; an org this size or smaller is looked at whole every turn. */
  scanPerTurn: number;
  /** Use file-system notifications where they can serve (see folder-watch.ts). */
  watch: boolean;
}

/** How hand edits are learnt: every agent every turn, notifications, or the spread scan. */
export type ChangeMode = 'every-turn' | 'watching' | 'spread-scan';

/**
 * What changed in an org's agent folders since the last turn, learnt from the writers and the
 * operating system rather than by visiting every agent. Three sources, one answer:
 * - lemming's own writers outside a turn append the agent to a log (change-log.ts); the turn's own
 *   writes are the engine's (its outbox hints), and an outbox it must list again is `mark`ed; the
 *   notifications its own messages cause are told apart by their names (`wrote`);
 * - hand edits and dropped files: file-system notifications (folder-watch.ts) where they can serve;
 * - otherwise the spread scan (spread-scan.ts), so every agent is still looked at within
 *   `guaranteeTurns` turns.
 * An org of at most `scanPerTurn` agents is looked at whole every turn, as is every org at an
 * engine's first turn (edits made while no engine ran).
 */
export class ChangeFeed {
  private readonly log: ChangeLogReader;
  private readonly scan: SpreadScan;
  private watch?: FolderWatch;
  private watchFailed = false;
  private first = true;
  private readonly marked = new Set<string>();
  /** The message files lemming wrote into each outbox in the turn just committed: their notifications are no hand edits. */
  private own = new Map<string, ReadonlySet<string>>();
  private current: ChangeMode = 'every-turn';
  /** The system's inotify watch limit, read once. */
  private readonly watchLimit = inotifyLimit('max_user_watches');

  constructor(
    private readonly root: string,
    private readonly settings: ChangeSettings,
  ) {
    this.log = new ChangeLogReader(root);
    this.scan = new SpreadScan(settings.scanPerTurn);
  }

  /** How this turn's changes were learnt (after `take`). */
  get mode(): ChangeMode {
    return this.current;
  }

  /** Turns within which a hand edit is seen at most, for an org of `agents` agents (1: the next turn). */
  guaranteeTurns(agents: number): number {
    return this.modeFor(agents) === 'spread-scan' ? this.scan.turnsPerRound(agents) : 1;
  }

  /** An agent whose folder the engine must look at next turn (an outbox it wrote into but could not keep a hint of). */
  mark(agent: string): void {
    this.marked.add(agent);
  }

  /**
   * The files a committed turn wrote into an agent's outbox, under names the record of files taken in now holds: the
   * notifications they cause mark no one at the next `take`, so a busy agent's turn costs the next no look at its folders.
   */
  wrote(agent: string, names: readonly string[]): void {
    if (names.length > 0) this.own.set(agent, new Set(names));
  }

  /** What changed since the last call, for an org whose agents are `names` (in name order). */
  take(names: readonly string[]): Changed {
    this.current = this.modeFor(names.length);
    if (this.current === 'watching' && !this.watch) {
      // Watching from before the look at every agent below: nothing made in between is missed.
      this.watch = new FolderWatch(`${this.root}/agents`);
      if (!this.watch.start(names)) this.stopWatching();
      this.first = true;
    }
    const marked = [...this.marked];
    this.marked.clear();
    // The last turn's own files, for this take only: a notification of one that comes later marks its agent, a look too many.
    const own = this.own;
    this.own = new Map();
    // An org looked at whole every turn does not read the log: what it names is looked at anyway.
    if (this.current === 'every-turn') return { all: true };
    const fromLog = this.log.take();
    if (this.first) {
      this.first = false;
      this.watch?.take();
      return { all: true };
    }
    const agents = new Set<string>([...fromLog, ...marked]);
    if (this.watch && this.current === 'watching') {
      for (const name of this.watch.take((agent, file) => own.get(agent)?.has(file) === true)) agents.add(name);
      if (this.watch.failed) {
        // The marks may be incomplete from here: every agent once, then the spread scan.
        this.stopWatching();
        return { all: true };
      }
    } else {
      for (const name of this.scan.slice(names)) agents.add(name);
    }
    return { all: false, agents };
  }

  close(): void {
    this.watch?.close();
    this.watch = undefined;
  }

  private stopWatching(): void {
    this.watchFailed = true;
    this.watch?.close();
    this.watch = undefined;
    this.current = 'spread-scan';
  }

  private modeFor(agents: number): ChangeMode {
    if (agents <= this.settings.scanPerTurn) return 'every-turn';
    return this.settings.watch && !this.watchFailed && canWatch(agents, this.watchLimit) ? 'watching' : 'spread-scan';
  }
}
