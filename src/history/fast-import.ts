import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { crashPoint } from '../engine/record/crash-points.js';
import { GitError, gitEnvironment, refuseOddStoreFiles, type GitPlace } from './git.js';
import { HISTORY_REF } from './history-paths.js';
import { packsIn } from './pack-upkeep.js';

/**
 * A file of an entry: its new bytes (`data`), or an object git holds already (`oid`), with git's mode; or its removal;
 * or a copy of what the entry's tree holds at `from` so far (a file or a folder: a record's parts, stored-path.ts).
 */
export type FileChange = { path: string; mode: string; data: Buffer } | { path: string; mode: string; oid: string } | { path: string; removed: true } | { path: string; from: string };

/**
 * An entry's changes as fast-import's lines: a file's new bytes inline, an object git holds by its id, a
 * removal. Copied into blocks of some BLOCK_BYTES, a file of LARGE_PART_BYTES or more given as it is:
 * the pipe to git and the spool beside the store each took the lines as three parts a file (a file's line,
 * its bytes, the newline), 1,200 writes to a stream for 400 files, where a copy of the 1.2 MB costs some
 * 0.1 ms.
 */
export function changeLines(changes: readonly FileChange[]): Buffer[] {
  const parts: Buffer[] = [];
  let block: Buffer[] = [];
  let blockBytes = 0;
  const close = (): void => {
    if (block.length > 0) parts.push(block.length === 1 ? (block[0] as Buffer) : Buffer.concat(block, blockBytes));
    block = [];
    blockBytes = 0;
  };
  const add = (part: Buffer): void => {
    if (part.length >= LARGE_PART_BYTES) {
      close();
      parts.push(part);
      return;
    }
    block.push(part);
    blockBytes += part.length;
    if (blockBytes >= BLOCK_BYTES) close();
  };
  for (const change of changes) {
    if ('from' in change) add(Buffer.from(`C ${quoted(change.from)} ${quoted(change.path)}\n`, 'utf8'));
    else if ('removed' in change) add(Buffer.from(`D ${change.path}\n`, 'utf8'));
    else if ('oid' in change) add(Buffer.from(`M ${change.mode} ${change.oid} ${change.path}\n`, 'utf8'));
    else {
      add(Buffer.from(`M ${change.mode} inline ${change.path}\ndata ${change.data.length}\n`, 'utf8'));
      add(change.data);
      add(NEWLINE);
    }
  }
  close();
  return parts;
}

/** A path as fast-import reads it quoted (C's style): a copy's source ends at a space unless quoted. Pure. */
function quoted(path: string): string {
  return `"${path.replace(/[\\"\x00-\x1f\x7f]/g, (char) => (char === '\\' || char === '"' ? `\\${char}` : `\\${char.charCodeAt(0).toString(8).padStart(3, '0')}`))}"`;
}

/** What changeLines copies into one block, at most about. */
const BLOCK_BYTES = 256 * 1024;
/** A part this large or larger is not copied (changeLines). */
const LARGE_PART_BYTES = 64 * 1024;

/** The line's end after a file's bytes: one buffer for all of them (only read). */
const NEWLINE = Buffer.from('\n');

/**
 * `--done`: a stream that ends without `done` (lemming killed while it wrote an entry) is an error,
 * and git writes nothing of the entry it was cut in; without it, git takes the end of its input as
 * the end of that entry and moves the branch to the files it had been given so far.
 * `--depth=0`: no deltas. fast-import deltas a blob only against the blob given just before it, in
 * an entry another agent's file, so the deltas saved nothing (the same 2 MB for 4 entries of 200
 * agents) and cost a third of git's time; `git gc` deltas each file against its own versions.
 * `pack.compression=0`: no deflating. Deflating is most of fast-import's time (six tenths of it at
 * the default level, by `perf`), and zlib's fastest level (1: 755 ms of CPU for 28 entries of 200 agents
 * against 930 ms) was kept while each entry held every record's file whole again: without deflating, the
 * store was then 1.29× the org's files. With a record's own file kept as the parts each entry appended
 * (stored-path.ts), an entry of 200 busy agents gives git 0.48 MB where it gave 1.49, and at level 1 git
 * spent as long on them (20 against 18.5 ms an entry, replayed: bench/fast-import-replay.ts), its many
 * small objects each deflated; at level 0, 10 ms. The long-run section (200 × 200, 4 pairs alternated
 * with level 1 and whole records): git 10 against 20 ms a turn early, 13.8 against 22.5 late, the store
 * 0.56× the org's files against 0.30× (`git gc` packs it again).
 * bench/fast-import-replay.ts replays entries with these, its variants' settings put before `fast-import`.
 */
export const FAST_IMPORT_ARGS: readonly string[] = ['-c', 'gc.auto=0', '-c', 'pack.compression=0', 'fast-import', '--quiet', '--force', '--depth=0', '--done'];

/**
 * A fast-import on a history no other writer holds (the org's lock says so): the lock a git killed
 * while it moved the branch left is removed first, or the new git could not move it.
 */
export function importerAfterKill(place: GitPlace): FastImport {
  for (const lock of [join(place.gitDir, `${HISTORY_REF}.lock`), join(place.gitDir, 'HEAD.lock')]) rmSync(lock, { force: true });
  return new FastImport(place);
}

/**
 * One `git fast-import` kept running for an org's history: an entry is one commit written into a
 * pack with the files that changed since its parent (git builds the trees from the parent's); a
 * checkpoint, after one entry or several (given-entries.ts), closes the pack and moves the branch,
 * last. No process is started, no index read or written and no unchanged file read for an entry.
 * Killed at any moment, the branch still points at a whole entry: objects of an unfinished pack are
 * a temporary file git ignores, and the entries in it are kept beside the store (entry-spool.ts).
 */
export class FastImport {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  private output = '';
  private stderr = '';
  private failed: Error | undefined;
  private mark = 0;
  private checkpoints = 0;
  /** Set by close(): git is then held until it has exited. */
  private closing = false;
  /** Resolves once git has exited (or could not be started): what it was given is on disk. */
  private readonly ended: Promise<void>;

  /** The packs of the store git looks each new object up in: those there as it started, then one a checkpoint (pack-upkeep.ts). */
  readonly packsAtStart: number;
  /** Checkpoints git has made. */
  checkpointsDone = 0;

  constructor(place: GitPlace) {
    refuseOddStoreFiles(place.gitDir);
    this.packsAtStart = packsIn(place.gitDir);
    // A process group of its own: a Ctrl-C at a terminal signals every process of the foreground group, and a git killed by
    // it was a git that failed, the entries it had not written dropped (a run stopped at its second turn kept no history).
    // Stopping is lemming's to do (close: git writes what it was given); lemming killed, git reads the end of its input and stops.
    this.child = spawn('git', FAST_IMPORT_ARGS, { env: gitEnvironment(place), stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    this.ended = new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.once('error', () => resolve());
    });
    // Idle, it keeps no process alive: a run that ends without closing it ends all the same (git sees its input end, and stops).
    this.child.unref();
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr]) (stream as unknown as { unref(): void }).unref();
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.output += chunk;
      for (let end = this.output.indexOf('\n'); end >= 0; end = this.output.indexOf('\n')) {
        const line = this.output.slice(0, end);
        this.output = this.output.slice(end + 1);
        this.waiting.shift()?.resolve(line);
        this.holdOpen();
      }
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.child.stdin.on('error', () => undefined);
    this.child.on('error', (error) => this.fail(error));
    this.child.on('close', (status) => this.fail(new GitError(FAST_IMPORT_ARGS, status, this.stderr || 'fast-import stopped')));
  }

  /** Whether it can still take an entry. */
  get usable(): boolean {
    return this.failed === undefined;
  }

  /**
   * Write one commit on the history's branch: `parent`'s files with `changes` made (changeLines), the
   * message given. `parent` is a commit's id or the mark of a commit given to this process before (git
   * takes them in order, so the next may be given before the last is written). Returns the new
   * commit's mark at once, and its id once the branch points at it.
   */
  commit(parent: string | undefined, message: string, changes: readonly Buffer[], when: Date, options: { checkpoint?: boolean } = {}): { mark: string; commit: Promise<string> } {
    this.mark += 1;
    const mark = `:${this.mark}`;
    if (this.failed) return { mark, commit: Promise.reject(this.failed) };
    const seconds = Math.floor(when.getTime() / 1000);
    const who = `lemming <lemming@localhost> ${seconds} +0000`;
    const text = Buffer.from(message, 'utf8');
    // No parent: the history's first entry (a branch fast-import has not seen yet starts empty).
    const parts: Buffer[] = [Buffer.from(`commit ${HISTORY_REF}\nmark :${this.mark}\nauthor ${who}\ncommitter ${who}\ndata ${text.length}\n`), text, Buffer.from(parent === undefined ? '\n' : `\nfrom ${parent}\n`), ...changes];
    // Without a checkpoint the commit is in the pack git is writing: on the branch, and on disk, at the next (`checkpoint`).
    parts.push(Buffer.from(`${options.checkpoint ? '\ncheckpoint\n' : ''}\nget-mark :${this.mark}\n`));
    const answer = new Promise<string>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.holdOpen();
    // The parts as they are (changeLines made them few blocks, a large file its own part), not copied again; corked, so they go in few writes.
    const half = Math.ceil(parts.length / 2);
    this.send(parts.slice(0, half));
    // Killed here, git has half an entry: it stops at the cut, and the branch stays at the entry before.
    crashPoint('mid-import');
    this.send(parts.slice(half));
    const commit = answer.then((line) => {
      if (!/^[0-9a-f]{40,64}$/.test(line)) throw new GitError(FAST_IMPORT_ARGS, null, `fast-import answered "${line}" for an entry`);
      return line;
    });
    return { mark, commit };
  }

  /**
   * Close the pack git is writing and move the branch to the last commit given (one pack for every
   * commit since the last checkpoint, not one each: git looks an object up in each pack of the store,
   * so a pack a commit made each commit slower for as long as the history ran). Resolves once git has
   * done it (its `progress` line, which it prints only after the commands before it).
   */
  checkpoint(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    this.checkpoints += 1;
    const token = `progress lemming-checkpoint-${this.checkpoints}`;
    const answer = new Promise<string>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.holdOpen();
    this.send([Buffer.from(`checkpoint\n${token}\n`)]);
    return answer.then((line) => {
      if (line !== token) throw new GitError(FAST_IMPORT_ARGS, null, `fast-import answered "${line}" for a checkpoint`);
      this.checkpointsDone += 1;
    });
  }

  private send(parts: readonly Buffer[]): void {
    const stdin = this.child.stdin;
    stdin.cork();
    for (const part of parts) stdin.write(part);
    stdin.uncork();
  }

  /**
   * Let git finish what it was given and stop; resolves once it has exited. The process is kept
   * alive for it meanwhile: a caller that awaits this and then removes or copies the org (or
   * exits) finds git done.
   */
  close(): Promise<void> {
    this.closing = true;
    this.child.ref();
    this.child.stdin.end('done\n');
    return this.ended;
  }

  /**
   * While an answer is awaited, the process is kept alive for it, by git's output and by git itself:
   * a git that dies (a full disk) closes its output first, and with only the output held Node could
   * end before it heard git exit, the answer neither given nor refused (a run ended mid-turn with
   * exit 0, saying nothing). Idle, neither is held, unless it is being closed.
   */
  private holdOpen(): void {
    const stdout = this.child.stdout as unknown as { ref(): void; unref(): void };
    if (this.waiting.length > 0) {
      stdout.ref();
      this.child.ref();
    } else {
      stdout.unref();
      if (!this.closing) this.child.unref();
    }
  }

  private fail(error: Error): void {
    this.failed ??= error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(this.failed);
    this.holdOpen();
  }
}
