import { watch, type FSWatcher } from 'node:fs';
import { isMessageFileName } from '../../mailbox/outbox-scan.js';

/**
 * The most agents watched by default: each costs two inotify watches (its folder, for its
 * resume, and its outbox) and some 1.3 KB of memory and 20 to 70 µs to set up in Node (measured
 * here: 40,000 watches, 53 MB, 2.9 s on a loaded machine). Past this, the spread scan serves.
 */
export const WATCH_AGENTS_MAX = 20_000;

/**
 * Whether `agents` agents can be watched here: Linux (recursive `fs.watch` is not what Node 20
 * offers there, so a watch per folder), no more than WATCH_AGENTS_MAX, and their watches (two
 * each, and `agents/`) at most half of the user's inotify limit, which every other program of
 * the same user shares.
 */
export function canWatch(agents: number, limit: number | undefined): boolean {
  return process.platform === 'linux' && agents <= WATCH_AGENTS_MAX && limit !== undefined && 2 * agents + 1 <= limit / 2;
}

/** Names of outbox entries kept for one agent between two takes; past this, its outbox counts as changed whatever the names. */
const NAMES_KEPT = 64;

/**
 * File-system notifications for an org's agents: `agents/` (folders made, removed, renamed),
 * each `agents/<name>/` (its resume written) and each `agents/<name>/outbox/` (a file dropped
 * in). Each event marks its agent as changed; the engine takes the marks at its next turn.
 * An outbox's events keep the names they came with, so the engine's own messages (which it
 * names to `take`) mark nobody, and those of a name that is never mail (a temporary's dot
 * name, a `.txt`) are not kept at all. Watches are unreferenced, so they never keep a process alive, and a
 * watch that fails (the inotify limit reached, a folder gone) makes the whole watch `failed`:
 * the engine then goes back to looking at every agent within the spread scan's turns.
 */
export class FolderWatch {
  private readonly watchers = new Map<string, FSWatcher>();
  /**
   * By agent: the outbox entry its events named (one name, as a message written is; a set once
   * there are more), or true for any other change (its folder, an event without a name, too many names).
   */
  private readonly changed = new Map<string, string | Set<string> | true>();
  private broken = false;
  private root?: FSWatcher;

  constructor(private readonly agentsDirectory: string) {}

  /** Start watching `agents/` and these agents; false when a watch could not be set (then none is kept). */
  start(names: Iterable<string>): boolean {
    const root = this.open(this.agentsDirectory, (file) => {
      // A folder made, removed or renamed: its agent is looked at, and watched afresh.
      if (file) {
        this.changed.set(file, true);
        this.watchAgent(file);
      }
    });
    if (!root || root === 'missing') return this.fail();
    this.root = root;
    for (const name of names) if (!this.watchAgent(name)) return this.fail();
    return true;
  }

  /** True when a watch could not be set or reported an error: the marks are no longer complete. */
  get failed(): boolean {
    return this.broken;
  }

  /**
   * The agents marked since the last call. `own` says which outbox entries lemming wrote itself
   * (its messages of the last turn, under names it records as taken): an agent whose events named
   * only those is not marked, since no file it has not taken in was added.
   */
  take(own?: (agent: string, name: string) => boolean): Set<string> {
    const taken = new Set<string>();
    for (const [agent, names] of this.changed) {
      if (names === true || !own) taken.add(agent);
      else if (typeof names === 'string') {
        if (!own(agent, names)) taken.add(agent);
      } else {
        for (const name of names) {
          if (own(agent, name)) continue;
          taken.add(agent);
          break;
        }
      }
    }
    this.changed.clear();
    return taken;
  }

  close(): void {
    this.root?.close();
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  private fail(): false {
    this.broken = true;
    this.close();
    return false;
  }

  /** An entry of an agent's outbox named by an event: kept by name, for `take` to tell lemming's own writes from the rest. */
  private outboxEntry(agent: string, file: string | undefined): void {
    // A name a scan never takes (a temporary's, whose rename to a message's name is an event of that name too) changes no mail.
    if (file !== undefined && !isMessageFileName(file)) return;
    const names = this.changed.get(agent);
    if (names === true || names === file) return;
    if (file === undefined) this.changed.set(agent, true);
    else if (names === undefined) this.changed.set(agent, file);
    else if (typeof names === 'string') this.changed.set(agent, new Set([names, file]));
    else if (names.size >= NAMES_KEPT) this.changed.set(agent, true);
    else names.add(file);
  }

  /** Watch one agent's folder and outbox (again, when they were replaced). An agent folder that is gone is no failure. */
  private watchAgent(name: string): boolean {
    if (this.broken) return false;
    const folder = `${this.agentsDirectory}/${name}`;
    for (const path of [folder, `${folder}/outbox`]) {
      this.watchers.get(path)?.close();
      this.watchers.delete(path);
      const watcher =
        path === folder
          ? this.open(path, (file) => {
              this.changed.set(name, true);
              // Its outbox made or replaced: watch the new folder.
              if (file === 'outbox') this.watchAgent(name);
            })
          : this.open(path, (file) => this.outboxEntry(name, file));
      if (watcher === 'missing') continue;
      if (!watcher) return false;
      this.watchers.set(path, watcher);
    }
    return true;
  }

  private open(path: string, onChange: (file: string | undefined) => void): FSWatcher | 'missing' | undefined {
    try {
      const watcher = watch(path, { persistent: false }, (_event, file) => onChange(file === null ? undefined : String(file)));
      watcher.on('error', () => {
        // A watched folder removed is told as a change of its parent; anything else leaves the marks incomplete.
        watcher.close();
        this.watchers.delete(path);
      });
      return watcher;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
      return undefined;
    }
  }
}
