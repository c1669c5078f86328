import { listenForWrites, type WrittenFile, type WrittenFiles } from '../storage/written-files.js';

/**
 * The bytes of an entry's files that lemming wrote itself, so the entry need not open and read them
 * again (at 200 agents a turn writes some 400 files: each agent's activity log, its messages, the
 * ledger's and `taken`'s lines, the state's parts). The write layer tells what it wrote with the
 * stamp the file had once written (storage/written-files.ts); an entry takes those bytes only when
 * the file's stamp, as the walk found it, is still that one. A file anyone else wrote since (a
 * person, a tool, a command) has another stamp and is read as before.
 *
 * A record that grows by appends (an activity log's current piece, the ledger's, `taken`'s) is told
 * as the lines appended to the file as it stood at a stamp: its bytes are the bytes the history
 * holds of it at that stamp (kept here from the last entry that read or took them) and the lines.
 *
 * What a stamp cannot show (git's "racy" files; the walk's own comparison marks such stamps,
 * recorded-files.ts): a write by someone else, in place, of the same size, inside the same tick of
 * the kernel's clock right after lemming's own write to the same file (a file only lemming writes
 * while a run goes on). An entry would hold lemming's bytes then, and so would each later one that
 * adds lemming's appends to them, until someone else writes the file again.
 */
export class GivenBytes {
  private readonly listener: WrittenFiles;
  /** What the history holds of files that grow by appends, by path in the org, with the stamp they had: oldest first (a Map keeps order). */
  private readonly grown = new Map<string, { stamp: string; data: Buffer }>();
  private grownBytes = 0;
  /** The writes taken for the entry under way. */
  private taken: ReadonlyMap<string, WrittenFile> = new Map();

  /** Writes are named as their writers name them, the root joined with the file's place: that root is the listener's prefix. */
  constructor(root: string) {
    this.listener = listenForWrites(root);
  }

  /** Before an entry walks the org: what was written since the last. */
  take(): void {
    this.taken = this.listener.take();
  }

  /** The file at `path` (in the org) as lemming wrote it, when it is still what the walk found (`exact`); undefined: read it. */
  bytesOf(path: string, exact: string): Buffer | undefined {
    const written = this.taken.get(this.listener.prefix + path);
    if (written === undefined || written.stamp !== exact) return undefined;
    const parts = written.parts;
    if (written.after === undefined) return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    const before = this.grown.get(path);
    return before?.stamp === written.after ? Buffer.concat([before.data, ...parts]) : undefined;
  }

  /** The entry holds `data` of the file at `path`, found at `exact`: kept when the file grows by appends, for its next. */
  recorded(path: string, exact: string, data: Buffer): void {
    const written = this.taken.get(this.listener.prefix + path);
    const before = this.grown.get(path);
    if (before) {
      this.grown.delete(path);
      this.grownBytes -= before.data.length;
    }
    if (!written?.appended || data.length > MAX_GROWN_BYTES / 16) return;
    this.grown.set(path, { stamp: exact, data });
    this.grownBytes += data.length;
    for (const [oldest, kept] of this.grown) {
      if (this.grownBytes <= MAX_GROWN_BYTES) break;
      this.grown.delete(oldest);
      this.grownBytes -= kept.data.length;
    }
  }

  /** The entry is done with what it took. */
  done(): void {
    this.taken = new Map();
  }

  /** Stop listening; nothing is kept. */
  close(): void {
    this.listener.close();
    this.grown.clear();
    this.grownBytes = 0;
    this.taken = new Map();
  }
}

/**
 * The most bytes of growing records kept between entries: 200 agents' activity logs (pieces of at
 * most 8 KB) and the ledger's and `taken`'s current pieces (64 KB) are some 1.7 MB. Past it the
 * oldest kept are dropped, and read again at their next append.
 */
const MAX_GROWN_BYTES = 32 * 1024 * 1024;
