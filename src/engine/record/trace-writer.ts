import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * The thread's whole program (CommonJS, so it needs no file of its own to be found): each message is
 * a batch of files, done in order, each written with its bytes of `bytes` (up to its end in `ends`)
 * or removed (an end of -1); it answers with the files it could not write or remove.
 */
const THREAD_PROGRAM = `
const { parentPort } = require('node:worker_threads');
const { unlinkSync, writeFileSync } = require('node:fs');
parentPort.on('message', ({ files, ends, bytes }) => {
  const failed = [];
  const buffer = Buffer.from(bytes);
  let start = 0;
  for (let index = 0; index < files.length; index += 1) {
    const end = ends[index];
    try {
      if (end < 0) unlinkSync(files[index]);
      else writeFileSync(files[index], buffer.subarray(start, end));
    } catch {
      failed.push(files[index]);
    }
    if (end >= 0) start = end;
  }
  parentPort.postMessage(failed);
});
`;

/** Writes in one turn past which the rest of the run's trace files are written by a thread of their own. */
export const THREAD_AFTER = 256;
/** Bytes handed to the thread at a time, in one buffer it is given rather than sent a copy of. */
const BATCH_BYTES = 64 * 1024;

/** Files on their way to the thread: their texts encoded one after another into one buffer. */
class Batch {
  readonly files: string[] = [];
  readonly texts: Array<string | null> = [];
  readonly ends: number[] = [];
  /** Room past BATCH_BYTES for the text that fills it: a trace of 1,000 agents' org is some 1.5 KB. */
  bytes = Buffer.allocUnsafeSlow(BATCH_BYTES + 16 * 1024);
  used = 0;

  /** Whether `text` fitted (a batch takes at least one file, however long). */
  add(file: string, text: string | null): boolean {
    if (text !== null) {
      const room = this.bytes.length - this.used;
      if (text.length * 3 > room) {
        if (this.files.length > 0) return false;
        this.bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
      }
      this.used += this.bytes.write(text, this.used);
    }
    this.files.push(file);
    this.texts.push(text);
    this.ends.push(text === null ? -1 : this.used);
    return true;
  }

  get full(): boolean {
    return this.used >= BATCH_BYTES;
  }
}

/**
 * Writes and removes call-trace files. Each costs some 10 µs of system calls, as much as the rest of
 * an agent's turn at 1,000 agents, and nothing in the turn waits for a trace: so once a turn has
 * written THREAD_AFTER of them (a small org never gets there, and does not pay for the thread's
 * start, some 25 ms and 14 MB), the run's trace files go to a worker thread, in order, while the turn
 * goes on. `flush` waits for every file handed over; the engine calls it at the end of each turn, so
 * a finished turn's traces are on disk, as before. A failure only calls `failed`: a trace is a
 * convenience, never a reason to fail a turn.
 */
export class TraceWriter {
  private thread: Worker | undefined;
  /** The thread failed: what is left is written here, as before it started. */
  private broken = false;
  private batch = new Batch();
  /** Batches handed to the thread, not yet answered for. */
  private readonly sent: Batch[] = [];
  /** Texts handed to the thread and not yet written, by file, so the next step of a call reads its own trace. */
  private readonly unwritten = new Map<string, string>();
  private waiting: Array<() => void> = [];
  private turn = -1;
  private writesThisTurn = 0;

  constructor(private readonly failed: (files: string[]) => void) {}

  /** Write a whole file (throws when written here and it cannot be). */
  write(file: string, text: string, turn: number): void {
    if (turn !== this.turn) {
      this.turn = turn;
      this.writesThisTurn = 0;
    }
    this.writesThisTurn += 1;
    if (!this.handing() && (this.broken || this.writesThisTurn <= THREAD_AFTER)) {
      writeFileSync(file, text);
      return;
    }
    this.unwritten.set(file, text);
    this.hand(file, text);
  }

  /** Remove a file, after whatever was handed over before (throws when removed here and it cannot be). */
  remove(file: string): void {
    if (!this.handing()) {
      unlinkSync(file);
      return;
    }
    this.unwritten.delete(file);
    this.hand(file, null);
  }

  /** A file's text, written or still on its way; undefined when there is none. */
  read(file: string): string | undefined {
    const text = this.unwritten.get(file);
    if (text !== undefined) return text;
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Resolves once every file handed over so far is written or removed. */
  flush(): Promise<void> {
    this.send();
    if (this.sent.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Stop the thread (after `flush`: whatever is still on its way is dropped). */
  close(): void {
    void this.thread?.terminate();
    this.thread = undefined;
  }

  /** Whether files go to the thread: once they have started to, all do, so that they are done in order. */
  private handing(): boolean {
    return this.thread !== undefined || this.batch.files.length > 0;
  }

  private hand(file: string, text: string | null): void {
    if (!this.batch.add(file, text)) {
      this.send();
      this.batch.add(file, text);
    }
    if (this.batch.full) this.send();
  }

  private send(): void {
    const batch = this.batch;
    if (batch.files.length === 0) return;
    this.batch = new Batch();
    if (this.broken) return this.writeHere(batch);
    const thread = (this.thread ??= this.start());
    // Held while it has work, so that a process waiting on `flush` is not left to exit.
    if (this.sent.length === 0) thread.ref();
    // The bytes are given to the thread, not copied: this side writes into a new batch.
    const bytes = batch.bytes.buffer;
    thread.postMessage({ files: batch.files, ends: batch.ends, bytes }, [bytes]);
    this.sent.push(batch);
  }

  private start(): Worker {
    const thread = new Worker(THREAD_PROGRAM, { eval: true });
    thread.on('message', (failed: string[]) => this.answered(failed));
    thread.on('error', () => this.lost(thread));
    thread.on('exit', () => this.lost(thread));
    return thread;
  }

  private answered(failed: string[]): void {
    const batch = this.sent.shift();
    batch?.files.forEach((file, index) => {
      // Only if not written again since: that text is still on its way.
      if (this.unwritten.get(file) === batch.texts[index]) this.unwritten.delete(file);
    });
    if (failed.length > 0) this.failed(failed);
    if (this.sent.length === 0) this.idle();
  }

  /** The thread stopped: what it had not answered for is taken as failed, and the rest is written here. */
  private lost(thread: Worker): void {
    if (this.thread !== thread) return;
    this.thread = undefined;
    this.broken = true;
    const files = this.sent.splice(0).flatMap((batch) => batch.files);
    this.unwritten.clear();
    if (files.length > 0) this.failed(files);
    this.idle();
  }

  /** A batch left when the thread stopped, done here. */
  private writeHere(batch: Batch): void {
    const failed: string[] = [];
    batch.files.forEach((file, index) => {
      const text = batch.texts[index];
      try {
        if (text === null || text === undefined) unlinkSync(file);
        else writeFileSync(file, text);
      } catch {
        failed.push(file);
      }
    });
    if (failed.length > 0) this.failed(failed);
  }

  private idle(): void {
    this.thread?.unref();
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}
