import type { Stats } from 'node:fs';

/**
 * A file's stamp as the history compares stamps (history/recorded-files.ts): size, times, inode.
 * Any write, an atomic replace (a new inode) or a chmod moves it. Pure.
 */
export function fileStamp(stat: Stats): string {
  return `${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}:${stat.ino}`;
}

/**
 * What this process wrote to one file since the listener last took its writes: the bytes, and the
 * file's stamp as the last write left it. `after` undefined: the bytes are the whole file (written
 * whole, or appended to an empty one); else they follow what the file held at stamp `after` (an
 * append to a file found there).
 */
export interface WrittenFile {
  after: string | undefined;
  parts: Buffer[];
  /** The file's stamp once the last of `parts` was written. */
  stamp: string;
  /** Whether the last write appended: the file is a record that grows, whose bytes are worth keeping for its next append. */
  appended: boolean;
}

/**
 * One listener's writes, by path as the writer named it (the root joined with the file's place).
 * The history's writer listens while it keeps an org's history, so an entry takes the bytes lemming
 * wrote itself instead of opening and reading each file again (history/given-bytes.ts); whatever
 * the file now holds is proved by its stamp, so a file changed by anyone else since is read.
 */
export class WrittenFiles {
  private files = new Map<string, WrittenFile>();
  private bytes = 0;
  /** Past MAX_HELD_BYTES since the last take: nothing more is held until then (the entry reads those files). */
  private full = false;

  constructor(
    /** The folder listened to, ending in `/`. */
    readonly prefix: string,
  ) {}

  /** What was written since the last take; the next take starts empty. */
  take(): ReadonlyMap<string, WrittenFile> {
    const taken = this.files;
    this.files = new Map();
    this.bytes = 0;
    this.full = false;
    return taken;
  }

  /** Stop listening. */
  close(): void {
    listeners.delete(this);
    this.files.clear();
  }

  /** @internal the write layer's: `bytes` are now the whole file, found at `after` once written. */
  whole(path: string, bytes: Buffer, after: Stats): void {
    this.files.delete(path);
    // Someone else wrote since: the bytes written are not what the file holds.
    if (after.size !== bytes.length || !this.hold(bytes)) return;
    this.files.set(path, { after: undefined, parts: [bytes], stamp: fileStamp(after), appended: false });
  }

  /** @internal the write layer's: `bytes` were appended to the file, found as `before` just before and as `after` once written. */
  appended(path: string, bytes: Buffer, before: Stats, after: Stats): void {
    const known = this.files.get(path);
    this.files.delete(path);
    // Someone else wrote between the two looks: the bytes appended are not all that changed.
    if (after.size !== before.size + bytes.length || !this.hold(bytes)) return;
    const stamp = fileStamp(after);
    if (before.size === 0) this.files.set(path, { after: undefined, parts: [bytes], stamp, appended: true });
    else if (known && known.stamp === fileStamp(before)) {
      // The file as this process left it: the bytes follow the ones held (a record appended to several times a turn).
      known.parts.push(bytes);
      this.files.set(path, { ...known, stamp, appended: true });
    } else this.files.set(path, { after: fileStamp(before), parts: [bytes], stamp, appended: true });
  }

  /** @internal the write layer's: the file was written in a way it does not tell (its bytes are read by the entry). */
  forget(path: string): void {
    this.files.delete(path);
  }

  private hold(bytes: Buffer): boolean {
    if (this.full) return false;
    this.bytes += bytes.length;
    if (this.bytes <= MAX_HELD_BYTES) return true;
    this.full = true;
    this.files.clear();
    return false;
  }
}

/**
 * The most bytes held between two takes (a turn's writes are some 1.5 MB at 200 agents, 7 MB at
 * 1,000): past it nothing more is held until the next take, and the entry reads those files.
 */
const MAX_HELD_BYTES = 32 * 1024 * 1024;

/** Who listens: usually nobody (no history kept), or one history's writer. */
const listeners = new Set<WrittenFiles>();

/** Listen to what this process writes under `root` (as the writers name it), until `close`. */
export function listenForWrites(root: string): WrittenFiles {
  const listener = new WrittenFiles(root.endsWith('/') ? root : `${root}/`);
  listeners.add(listener);
  return listener;
}

/**
 * The listener of a path a writer is about to write, if any: one comparison when nobody listens. The
 * newest of two for one folder (a writer not closed, then another opened): the other's entries read.
 */
export function listenerOf(path: string): WrittenFiles | undefined {
  if (listeners.size === 0) return undefined;
  let found: WrittenFiles | undefined;
  for (const listener of listeners) if (path.startsWith(listener.prefix)) found = listener;
  return found;
}
