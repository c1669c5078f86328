import * as fs from 'node:fs';
import { constants, lstatSync, statSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { liesAsWritten, realRootPrefix } from './inside-root.js';
import { growableBytes, LOOK_AHEAD_FROM, READ_FLAGS, SharedList, STALL_MS, type ReadAheadFile } from './look-ahead.js';
import { listedFolders, lookAheadThread } from './look-ahead-thread.js';
import { ReadAhead, type ReadRule } from './read-ahead.js';

/** What the thread says of a listing (look-ahead.ts, its program): that the folder could not be listed, or its names joined by NULs and the slots it shares. */
type Listing = { failed: true } | { names: string; kinds: SharedArrayBuffer; numbers: SharedArrayBuffer };

/** The listing's state, `control[0]`: asked; made (the thread's message is there); given up by the loop. */
const PENDING = 0;
const GIVEN_UP = 2;

/**
 * The folders of a folder (listedFolders) and a file read from each (an org's `agents/` and each
 * agent's resume), on two cores from the start: past LOOK_AHEAD_FROM folders (as the folder's link
 * count tells, one `stat`) the thread lists the folder and reads each file in the listing's order,
 * while the loop does what it has to before it needs the names (a cold `status` at 100,000 agents:
 * loading the parsers, reading org.yaml and the chart). Otherwise the loop lists the folder itself,
 * and the reads are a ReadAhead of its own listing.
 *
 * The thread opens each file with O_NOFOLLOW, and asks nothing of where it lies, when the folder lies
 * where its path says below the org's real root (no link on the way): each name it reads in is one
 * its own listing found to be a folder, not a link, so a file it opens lies in the org unless it is
 * a link itself, which fails to open (ELOOP) and is left to the loop, whose gate follows and judges
 * it (storage/inside-root.ts). Past a link on the way, it asks each file's descriptor, as ReadAhead does.
 * (`suffix` is one name, `/resume.md`: O_NOFOLLOW guards the last part of a path only.) What the
 * listing saw is what the thread trusts, so the org's root and the folder are stamped before it is
 * asked (their inode and change time: a name made, removed or swapped in a folder moves its change
 * time, which no one can set back) and again by `done`, which says whether they held: a folder
 * swapped for a link between the listing and a read, even and swapped back, makes `done` false,
 * and the caller reads again with `trust: false`, asking each file's descriptor where it lies.
 */
export class FolderReads {
  private listing?: { names: string[] | undefined; reads: ReadAhead };
  private readonly asked?: { control: Int32Array; port: MessagePort; bytes: SharedArrayBuffer; rule: ReadRule };
  /** The root's and the folder's stamps when the thread was asked to trust its listing; undefined when it was not. */
  private readonly trusted?: string;

  private constructor(
    private readonly folder: string,
    private readonly suffix: string,
    private readonly maxBytes: number,
    private readonly within: string | undefined,
    trust: boolean,
  ) {
    const worker = folderCountAtLeast(folder, LOOK_AHEAD_FROM) ? lookAheadThread() : undefined;
    if (!worker) return;
    const prefix = within === undefined ? undefined : realRootPrefix(within);
    // Stamped before the look at where the folder lies: a swap after it moves a stamp.
    const stamps = trust && within !== undefined ? stampsOf([within, folder]) : undefined;
    const asWritten = stamps !== undefined && within !== undefined && liesAsWritten(within, folder);
    if (asWritten) this.trusted = stamps;
    const control = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    const bytes = growableBytes();
    const flags = asWritten ? READ_FLAGS | constants.O_NOFOLLOW : READ_FLAGS;
    const rule: ReadRule = { maxBytes, flags, ...(asWritten || prefix === undefined ? {} : { within: prefix }) };
    worker.postMessage({ folder, prefix: `${folder}/`, suffix, control: control.buffer, reply: port2, bytes, ...rule }, [port2]);
    this.asked = { control, port: port1, bytes, rule };
  }

  /**
   * `folder`'s folders and `suffix` read in each, of at most `maxBytes`; with `within` (an org's root),
   * nothing outside it read. `trust: false`: no listing trusted, each file's descriptor asked (a read
   * again after `done` said false). Call `done` when the loop is over.
   */
  static of(folder: string, suffix: string, maxBytes: number, within?: string, trust = true): FolderReads {
    return new FolderReads(folder, suffix, maxBytes, within, trust);
  }

  /** The folder's folders as listedFolders gives them (sorted), or undefined when it cannot be listed. Waits for the thread's listing, at most STALL_MS. */
  names(): readonly string[] | undefined {
    return this.listed().names;
  }

  /** The file of the folder at `index` of names(), as ReadAhead.get gives it. Indexes in order. */
  get(index: number): ReadAheadFile | 'missing' | undefined {
    return this.listed().reads.get(index);
  }

  /** The loop is over: false when the root or the folder moved while its listing was trusted (what was read may not lie in the org: read again with `trust: false`). */
  done(): boolean {
    this.stop();
    return this.trusted === undefined || stampsOf([this.within as string, this.folder]) === this.trusted;
  }

  private stop(): void {
    if (this.listing) return this.listing.reads.done();
    if (!this.asked) return;
    // A listing not taken: given up before the thread made it (it stops once it has), or taken now to stop its reads.
    const { control, port } = this.asked;
    if (Atomics.compareExchange(control, 0, PENDING, GIVEN_UP) !== PENDING) {
      const message = receiveMessageOnPort(port)?.message as Listing | undefined;
      if (message && 'kinds' in message) Atomics.store(new Int32Array(message.kinds), 0, 1);
    }
    port.close();
  }

  private listed(): { names: string[] | undefined; reads: ReadAhead } {
    return (this.listing ??= this.fromThread() ?? this.ownListing());
  }

  /** The thread's listing, once it has made it; undefined when it has not within STALL_MS (it is given up, and the thread stops once it has listed). */
  private fromThread(): { names: string[] | undefined; reads: ReadAhead } | undefined {
    if (!this.asked) return undefined;
    const { control, port, bytes, rule } = this.asked;
    const deadline = Date.now() + STALL_MS;
    while (Atomics.load(control, 0) === PENDING && Date.now() < deadline) Atomics.wait(control, 0, PENDING, 10);
    // Given up or listed, whichever side says so first.
    const listed = Atomics.compareExchange(control, 0, PENDING, GIVEN_UP) !== PENDING;
    const message = listed ? (receiveMessageOnPort(port)?.message as Listing | undefined) : undefined;
    port.close();
    if (!message) return undefined;
    if ('failed' in message) return { names: undefined, reads: ReadAhead.of({ prefix: '', names: [], suffix: '' }, this.maxBytes) };
    const names = message.names === '' ? [] : message.names.split('\0');
    const paths = { prefix: `${this.folder}/`, names, suffix: this.suffix };
    return { names, reads: ReadAhead.adopt(SharedList.adopt(paths, message), bytes, rule, names.length) };
  }

  /** The loop's own listing, and a ReadAhead of it. */
  private ownListing(): { names: string[] | undefined; reads: ReadAhead } {
    let names: string[] | undefined;
    try {
      names = listedFolders(fs, this.folder);
    } catch {
      names = undefined;
    }
    return { names, reads: ReadAhead.of({ prefix: `${this.folder}/`, names: names ?? [], suffix: this.suffix }, this.maxBytes, this.within) };
  }
}

/** The inode and change time of each path, not following a link, as one string; undefined when one cannot be looked at. */
function stampsOf(paths: readonly string[]): string | undefined {
  try {
    return paths.map((path) => {
      const stat = lstatSync(path, { bigint: true });
      return `${stat.dev}:${stat.ino}:${stat.ctimeNs}`;
    }).join(' ');
  } catch {
    return undefined;
  }
}

/** Whether `folder` holds at least `count` folders, as its link count tells (two plus one a folder, on the file systems that keep it so); false when it cannot tell. */
function folderCountAtLeast(folder: string, count: number): boolean {
  try {
    const stat = statSync(folder, { throwIfNoEntry: false });
    return stat !== undefined && stat.isDirectory() && stat.nlink - 2 >= count;
  } catch {
    return false;
  }
}
