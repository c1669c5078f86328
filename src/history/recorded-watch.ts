import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { inotifyLimit } from '../org/changes/inotify-limit.js';
import { RECORDED_FOLDERS } from './history-paths.js';
import type { WalkScope } from './recorded-files.js';

/**
 * The most folders one history watches: each is an inotify watch (some 1.3 KB of memory in Node).
 * Past this, or past a quarter of the user's inotify limit (shared with the engine's own watch and
 * every other program of the user), entries walk the whole org instead.
 */
const MAX_FOLDERS = 50_000;

/**
 * File-system notifications on every recorded folder of an org (history-paths.ts), so an entry of
 * the history within a run reads only the folders where something happened since the last one, not
 * a `stat` of every file the org holds (messages pile up: thousands after a few turns). It sees
 * what any process wrote: the engine, a sandboxed command (the same files through a bind mount),
 * a person's editor.
 *
 * Folders are watched as a full walk enters them (recorded-files.ts `beforeFolder`), before they
 * are listed, and folders made since as the entry that finds them walks them whole. Each event
 * marks the name it names: a file is looked at again, a folder walked whole, and what is gone is
 * gone with all that was known under it. A name is all an event needs: a file made, written,
 * renamed or removed in a folder is an event of that folder naming it.
 *
 * An event without a name has its whole folder walked. When the marks may be incomplete the watch
 * says so (`take` gives undefined) and the entry walks the whole org: nothing watched yet, a watch
 * that could not be set (the limit, a folder gone between listing and watching) or that failed,
 * or so many events at once that the kernel's queue may have overflowed (it drops events past
 * `max_queued_events`, and Node does not say so). Linux only: elsewhere every entry walks the org.
 */
export class RecordedWatch {
  private readonly watchers = new Map<string, FSWatcher>();
  private trees = new Set<string>();
  /** The marks are not complete: the next entry walks the whole org (and watches again as it goes). Nothing is watched before a whole walk. */
  private incomplete = true;
  private stopped = false;
  /** Events since the last check (setImmediate): the kernel delivers a full queue in one go. */
  private burst = 0;
  private burstCheck: NodeJS.Immediate | undefined;
  private readonly rootWatcher: FSWatcher | undefined;

  private constructor(
    private readonly root: string,
    private readonly maxFolders: number,
    private readonly maxBurst: number,
  ) {
    // The org's own folder: a recorded folder made or replaced there (a shared `workspace/`).
    this.rootWatcher = this.open(root, (name) => {
      if (name !== undefined && (RECORDED_FOLDERS as readonly string[]).includes(name)) this.trees.add(name);
    });
  }

  /**
   * A watch for an org's history, or undefined where the platform or its limits allow none.
   * `limits` (tests): at most this many folders, and this many events at once.
   */
  static start(root: string, limits: { folders?: number; burst?: number } = {}): RecordedWatch | undefined {
    if (process.platform !== 'linux') return undefined;
    const watches = inotifyLimit('max_user_watches');
    const queue = inotifyLimit('max_queued_events');
    if (watches === undefined || queue === undefined) return undefined;
    const watch = new RecordedWatch(root, limits.folders ?? Math.min(MAX_FOLDERS, Math.floor(watches / 4)), limits.burst ?? Math.floor(queue / 2));
    return watch.rootWatcher ? watch : undefined;
  }

  /**
   * Watch a folder a walk is about to list whole (relative to the org's root), afresh: one removed
   * and made again since it was watched is another folder, which the old watch does not see.
   */
  readonly beforeFolder = (relative: string): void => {
    if (this.stopped) return;
    const old = this.watchers.get(relative);
    if (!old && this.watchers.size >= this.maxFolders) {
      this.incomplete = true;
      return;
    }
    const watcher = this.open(join(this.root, relative), (name) => {
      // Without a name the event could be of anything under the folder.
      this.trees.add(name === undefined ? relative : `${relative}/${name}`);
    });
    // The new one first: the folder is watched throughout.
    old?.close();
    if (watcher) this.watchers.set(relative, watcher);
    else this.watchers.delete(relative);
  };

  /**
   * What changed since the last call, once the events already queued have been taken in; undefined
   * when the marks may be incomplete (the caller walks the whole org with `beforeFolder`, which
   * makes them complete again from there).
   */
  async take(): Promise<WalkScope | undefined> {
    // Events of writes made before this call are queued in the kernel, and the event loop's next look
    // for input reads them all. An immediate may run before that look (when this is called after the
    // look of this round of the loop): the second runs after the next round's.
    for (let round = 0; round < 2; round += 1) await new Promise((resolve) => setImmediate(resolve));
    const scope = { trees: this.trees };
    this.trees = new Set();
    const complete = !this.incomplete && !this.stopped;
    this.incomplete = false;
    return complete ? scope : undefined;
  }

  /** Stop every watch. */
  close(): void {
    this.stopped = true;
    this.rootWatcher?.close();
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
    if (this.burstCheck) clearImmediate(this.burstCheck);
  }

  private open(path: string, onChange: (name: string | undefined) => void): FSWatcher | undefined {
    try {
      const watcher = watch(path, { persistent: false }, (_event, name) => {
        this.counted();
        onChange(name === null ? undefined : String(name));
      });
      watcher.on('error', () => {
        // Its folder removed (its parent's event says so) or something else: either way its watch is gone, and the next entry walks the org.
        watcher.close();
        for (const [relative, known] of this.watchers) if (known === watcher) this.watchers.delete(relative);
        this.incomplete = true;
      });
      return watcher;
    } catch {
      // Gone, or no watch left (ENOSPC): the marks cannot be complete.
      this.incomplete = true;
      return undefined;
    }
  }

  /** Count an event; so many in one delivery that the kernel's queue may have overflowed makes the marks incomplete. */
  private counted(): void {
    this.burst += 1;
    if (this.burst >= this.maxBurst) this.incomplete = true;
    this.burstCheck ??= setImmediate(() => {
      this.burst = 0;
      this.burstCheck = undefined;
    });
  }
}
