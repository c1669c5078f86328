import * as fs from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { realRootPrefix } from './inside-root.js';
import { FILE, growableBytes, LOOK_AHEAD_FROM, LOOPS, MISSING, READ_FLAGS, READ_NUMBERS, SharedList, TEXT, type PathList, type ReadAheadFile } from './look-ahead.js';
import { lookAheadThread, plainText, readOneFile } from './look-ahead-thread.js';

/** How a list's files are read, by the thread and by the loop from the end alike (readOneFile). */
export interface ReadRule {
  maxBytes: number;
  flags: number;
  /** The org's real root and a slash: a file whose descriptor names a place outside it is not read. */
  within?: string;
}

/** The most bytes the loop holds of files it read from the end while it would wait. */
const FROM_THE_END_BYTES = 16 * 1024 * 1024;

/**
 * Whole reads of a long list of files on two cores (SharedList), as an org's first load reads
 * 100,000 resumes it has no version of (some 1.2 s of opening and reading), the thread reading
 * ahead of the loop while the loop parses (a cold `status` at 100,000 agents: 3.1 s when the
 * thread read from the end, where the loop read its first half itself; 2.6 s). Once the loop has
 * caught the thread up, it would wait on each file the thread is reading: it reads files from the
 * end of the list instead, by the thread's own rule (readOneFile), until the two meet, so the last
 * files are read on both cores. The thread answers only for a regular file it read whole, of at most
 * `maxBytes`, or nothing there; for anything else the loop reads the file itself, through the one
 * gate of editable files, and says why as it always did.
 */
export class ReadAhead {
  /** The thread's bytes as one buffer, made again when they grew past it. */
  private view?: Buffer;
  /** The next index the loop may read from the end (-1: none left, the two have met), and what it read, by index. */
  private tail: number;
  private readonly fromTheEnd = new Map<number, ReadAheadFile | 'missing' | undefined>();
  private endBytes = 0;
  /** What readOneFile found of the file the loop read last (mtime, size, bytes read): one array for all of them. */
  private readonly found = new Float64Array(3);
  /** How many files the loop read from the end (readFromTheEnd): what the two cores shared of the list's last files. */
  readFromTheEndCount = 0;
  /** How many files the loop came to before the thread did, and read by its rule (readByRule). */
  readBeforeTheThreadCount = 0;
  private readonly readMeanwhile = (): boolean => this.readFromTheEnd();

  private constructor(
    private readonly list: SharedList,
    private readonly bytes: SharedArrayBuffer | undefined,
    private readonly rule: ReadRule | undefined,
    count: number,
  ) {
    this.tail = rule ? count - 1 : -1;
  }

  /**
   * Reads of `paths`, the thread taking part when the list is long enough to gain by it; with
   * `within` (an org's root), a file that lies outside it is left to the loop. Call `done` when the loop is over.
   */
  static of(paths: PathList, maxBytes: number, within?: string): ReadAhead {
    const bytes = paths.names.length >= LOOK_AHEAD_FROM && lookAheadThread() ? growableBytes() : undefined;
    const prefix = within === undefined ? undefined : realRootPrefix(within);
    const rule = { maxBytes, flags: READ_FLAGS, ...(prefix === undefined ? {} : { within: prefix }) };
    const list = SharedList.start(paths, READ_NUMBERS, bytes && { bytes, ...rule });
    return list.kinds && bytes ? new ReadAhead(list, bytes, rule, paths.names.length) : new ReadAhead(list, undefined, undefined, 0);
  }

  /** Reads of a list the thread made (FolderReads), into `bytes`, by `rule`. */
  static adopt(list: SharedList, bytes: SharedArrayBuffer, rule: ReadRule, count: number): ReadAhead {
    return new ReadAhead(list, bytes, rule, count);
  }

  /** The file at `index` as the thread (or the loop from the end) read it, `missing` when nothing was there, or undefined: the loop reads it itself. Indexes in order. */
  get(index: number): ReadAheadFile | 'missing' | undefined {
    const kind = this.list.claim(index, this.tail > index ? this.readMeanwhile : undefined);
    if (kind === LOOPS) return this.fromTheEnd.has(index) ? this.takenFromTheEnd(index) : this.rule ? this.readBeforeTheThread(index) : undefined;
    if (kind === MISSING) return 'missing';
    if ((kind !== FILE && kind !== TEXT) || !this.bytes) return undefined;
    const at = index * READ_NUMBERS;
    const numbers = this.list.numbers as Float64Array;
    const mtimeMs = numbers[at] as number;
    const size = numbers[at + 1] as number;
    const start = numbers[at + 2] as number;
    const end = start + (numbers[at + 3] as number);
    if (kind === FILE) return { mtimeMs, size, bytes: Buffer.from(this.bytes, start, end - start) };
    // Plain text: decoded from one view of all the bytes, with no buffer made for each file.
    if (!this.view || this.view.length < end) this.view = Buffer.from(this.bytes);
    return { mtimeMs, size, text: this.view.toString('utf8', start, end) };
  }

  done(): void {
    this.list.done();
  }

  /** What the loop read of `index` from the end (undefined: it is the loop's to read now, through the gate). */
  private takenFromTheEnd(index: number): ReadAheadFile | 'missing' | undefined {
    const got = this.fromTheEnd.get(index);
    this.fromTheEnd.delete(index);
    return got;
  }

  /** One file read from the end by the loop, by the thread's rule, while the thread reads the one it waits on; false when none is left to it. */
  private readFromTheEnd(): boolean {
    const index = this.tail;
    if (index < 0 || this.endBytes >= FROM_THE_END_BYTES || !this.list.claimFromTheEnd(index)) {
      this.tail = -1;
      return false;
    }
    this.tail = index - 1;
    this.readFromTheEndCount += 1;
    this.fromTheEnd.set(index, this.readByRule(index));
    this.endBytes += this.found[2] as number;
    return true;
  }

  /** A file the loop came to before the thread did (a thread the machine did not run for a while), read as the thread would have. */
  private readBeforeTheThread(index: number): ReadAheadFile | 'missing' | undefined {
    this.readBeforeTheThreadCount += 1;
    return this.readByRule(index);
  }

  /**
   * The file at `index` read by the loop by the thread's rule (readOneFile): from the end, or one the
   * loop came to before the thread did (a thread the machine did not run for a while), so neither is
   * read otherwise than the thread would have. Undefined: the loop reads it through the gate.
   */
  private readByRule(index: number): ReadAheadFile | 'missing' | undefined {
    const rule = this.rule as ReadRule;
    let into: Buffer | undefined;
    const out = this.found;
    out[2] = 0;
    const kind = readOneFile(fs, this.list.pathAt(index), rule.flags, rule.within, rule.maxBytes, isPlainText, (size) => (into = Buffer.allocUnsafe(size)), out);
    const read = into?.subarray(0, out[2] as number);
    return kind === MISSING ? 'missing' : kind === TEXT && read ? { mtimeMs: out[0] as number, size: out[1] as number, text: read.toString('utf8') } : kind === FILE && read ? { mtimeMs: out[0] as number, size: out[1] as number, bytes: read } : undefined;
  }
}

/** plainText by the loop's own `isUtf8`. */
const isPlainText = (bytes: Uint8Array): boolean => plainText(isUtf8, bytes);
