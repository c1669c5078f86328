import { unlinkSync, writeFileSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { keepHeapAsSet, startThread } from '../../heap-settings.js';
import { writeFileInPlace } from '../../storage/write-bytes.js';
import { readOwnCache } from '../../storage/read-own-file.js';

/** The file functions a batch is done with (passed in: see doBatch). */
interface BatchFs {
  unlinkSync(file: string): void;
  writeFileSync(file: string, bytes: Uint8Array): void;
}

/** A trace file that could not be written or removed, and the system's code for why (ENOSPC: the disk is full). */
export interface TraceFailure {
  file: string;
  code: string | undefined;
}

/**
 * Do a batch of files, in order: each is written with its bytes of `bytes` (from the end of the
 * file before it up to its own end in `ends`) or removed (an end of -1). Returns the files that
 * could not be written or removed; a file whose write failed is removed, not left cut short. The
 * thread runs this very function from its source text, so it uses nothing but its arguments.
 */
function doBatch(fs: BatchFs, files: readonly string[], ends: readonly number[], bytes: Uint8Array): TraceFailure[] {
  const failed: TraceFailure[] = [];
  let start = 0;
  for (let index = 0; index < files.length; index += 1) {
    const file = files[index] as string;
    const end = ends[index] ?? -1;
    try {
      if (end < 0) fs.unlinkSync(file);
      else fs.writeFileSync(file, bytes.subarray(start, end));
    } catch (error) {
      if (end >= 0) {
        try {
          fs.unlinkSync(file);
        } catch {
          // Never made.
        }
      }
      failed.push({ file, code: (error as { code?: string } | null)?.code });
    }
    if (end >= 0) start = end;
  }
  return failed;
}

/**
 * The thread's whole program (CommonJS, so it needs no file of its own to be found): each message is
 * a batch (doBatch). It says it runs in `done[1]`, counts the batches done in `done[0]` (so the
 * engine can wait for them without going back to its event loop), answers with the files it could
 * not write or remove, and gives the bytes back for the next batch (its own heap is too quiet for
 * its collector to free them soon).
 */
const THREAD_PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads');
const done = new Int32Array(workerData);
Atomics.store(done, 1, 1);
Atomics.notify(done, 1);
const doBatch = ${doBatch.toString()};
const fs = require('node:fs');
parentPort.on('message', ({ files, ends, bytes }) => {
  const failed = doBatch(fs, files, ends, Buffer.from(bytes));
  Atomics.add(done, 0, 1);
  Atomics.notify(done, 0);
  parentPort.postMessage({ failed, bytes }, [bytes]);
});
`;

/** Writes in one turn past which the rest of the run's trace files are written by a thread of their own. */
export const THREAD_AFTER = 256;
/** Bytes handed to the thread at a time, in one buffer it is given rather than sent a copy of. */
const BATCH_BYTES = 64 * 1024;
/** Room past BATCH_BYTES for the text that fills a batch: a trace of 1,000 agents' org is some 1.5 KB. */
const BUFFER_BYTES = BATCH_BYTES + 16 * 1024;
const NEWLINE = 0x0a;
/** How long `read` waits for the thread before reading what the disk has. */
const READ_WAIT_MS = 5_000;

/**
 * Files on their way to the thread: their texts encoded one after another into one buffer. Only the
 * bytes are kept, outside the JavaScript heap: texts held until the thread had written them lived
 * long enough to be moved to the old generation, and grew the engine's heap by tens of MB.
 */
class Batch {
  readonly files: string[] = [];
  readonly ends: number[] = [];
  used = 0;

  constructor(public bytes: Buffer) {}

  /** Whether `text` and its newline fitted (a batch takes at least one file, however long). */
  add(file: string, text: string | null): boolean {
    if (text !== null) {
      const room = this.bytes.length - this.used;
      if (text.length * 3 + 1 > room) {
        if (this.files.length > 0) return false;
        this.bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text) + 1);
      }
      this.used += this.bytes.write(text, this.used);
      this.bytes[this.used++] = NEWLINE;
    }
    this.files.push(file);
    this.ends.push(text === null ? -1 : this.used);
    return true;
  }

  get full(): boolean {
    return this.used >= BATCH_BYTES;
  }

  /** Write or remove each file here, in order; the files that failed. */
  writeHere(): TraceFailure[] {
    return doBatch({ unlinkSync, writeFileSync }, this.files, this.ends, this.bytes);
  }
}

/**
 * Writes and removes call-trace files. Each costs some 10 µs of system calls, about a tenth of an
 * agent's whole turn at 1,000 agents, and nothing in the turn waits for a trace: so once a turn has
 * written THREAD_AFTER of them (a small org never gets there, and does not pay for the thread's
 * start, some 25 ms and 12 MB), the run's trace files go to a worker thread, in order, while the turn
 * goes on. `flush` waits for every file handed over; the engine calls it at the end of each turn, so
 * a finished turn's traces are on disk, as before. A failure only calls `failed`, with the system's
 * code: a trace is a convenience, never a reason to fail a turn (though a disk too full for one
 * stops the run: call-trace.ts).
 */
export class TraceWriter {
  private thread: Worker | undefined;
  /** The thread failed: what is left is written here, as before it started. */
  private broken = false;
  /** Batches the thread has done, counted by the thread itself; then whether it runs. */
  private readonly done = new Int32Array(new SharedArrayBuffer(8));
  private batch = new Batch(Buffer.allocUnsafeSlow(BUFFER_BYTES));
  /** Batches handed to the thread, oldest first, not yet answered for. */
  private readonly sent: Batch[] = [];
  private sentCount = 0;
  /** Buffers the thread gave back, for the next batches. */
  private readonly spare: ArrayBuffer[] = [];
  private waiting: Array<() => void> = [];
  private turn = -1;
  private writesThisTurn = 0;

  constructor(private readonly failed: (failures: TraceFailure[]) => void) {}

  /** Write a whole file: `text` and a newline (throws when written here and it cannot be, and leaves no file cut short). */
  write(file: string, text: string, turn: number): void {
    if (turn !== this.turn) {
      this.turn = turn;
      this.writesThisTurn = 0;
    }
    this.writesThisTurn += 1;
    if (!this.handing() && (this.broken || this.writesThisTurn <= THREAD_AFTER)) writeFileInPlace(file, `${text}\n`);
    else this.hand(file, text);
  }

  /** Remove a file, after whatever was handed over before (throws when removed here and it cannot be). */
  remove(file: string): void {
    if (!this.handing()) unlinkSync(file);
    else this.hand(file, null);
  }

  /**
   * A file's text as last written, or undefined when there is none. Waits (without going back to
   * the event loop, up to READ_WAIT_MS) for what was handed to the thread: only the next step of a
   * call with tools reads its own trace.
   */
  read(file: string): string | undefined {
    if (this.handing()) {
      this.send();
      const deadline = Date.now() + READ_WAIT_MS;
      for (let done = Atomics.load(this.done, 0); done < this.sentCount && this.thread && Date.now() < deadline; done = Atomics.load(this.done, 0)) {
        Atomics.wait(this.done, 0, done, READ_WAIT_MS);
      }
    }
    return readOwnCache(file);
  }

  /** Resolves once every file handed over so far is written or removed. */
  flush(): Promise<void> {
    this.send();
    if (this.sent.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Stop the thread (after `flush`: whatever is still on its way is dropped); resolves once it has stopped. */
  close(): Promise<void> {
    const thread = this.thread;
    this.thread = undefined;
    if (!thread) return Promise.resolve();
    return thread.terminate().then(
      () => undefined,
      () => undefined,
    );
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
    const spare = this.spare.pop();
    this.batch = new Batch(spare ? Buffer.from(spare) : Buffer.allocUnsafeSlow(BUFFER_BYTES));
    if (this.broken) {
      const failed = batch.writeHere();
      if (failed.length > 0) this.failed(failed);
      return;
    }
    const thread = (this.thread ??= this.start());
    // Held while it has work, so that a process waiting on `flush` is not left to exit.
    if (this.sent.length === 0) thread.ref();
    // The bytes are given to the thread, not copied, and come back with its answer.
    const bytes = batch.bytes.buffer as ArrayBuffer;
    thread.postMessage({ files: batch.files, ends: batch.ends, bytes }, [bytes]);
    this.sent.push(batch);
    this.sentCount += 1;
  }

  private start(): Worker {
    const thread = startThread({ code: THREAD_PROGRAM }, { workerData: this.done.buffer });
    // Its start undoes our V8 flags; waiting for it (some 25 ms, once a run) and setting them again
    // at once keeps the engine's heap small (heap-settings.ts), where a busy turn would have grown it meanwhile.
    Atomics.wait(this.done, 1, 0, 2_000);
    keepHeapAsSet();
    // The thread sets them again too, and startThread once more when it is seen running: on a loaded machine its start can outlast the wait.
    thread.on('message', ({ failed, bytes }: { failed: TraceFailure[]; bytes: ArrayBuffer }) => {
      if (bytes.byteLength === BUFFER_BYTES && this.spare.length < 4) this.spare.push(bytes);
      this.sent.shift();
      if (failed.length > 0) this.failed(failed);
      if (this.sent.length === 0) this.idle();
    });
    thread.on('error', () => this.lost(thread));
    thread.on('exit', () => this.lost(thread));
    return thread;
  }

  /** The thread stopped: what it had not answered for is taken as failed, and the rest is written here. */
  private lost(thread: Worker): void {
    if (this.thread !== thread) return;
    this.thread = undefined;
    this.broken = true;
    const files = this.sent.splice(0).flatMap((batch) => batch.files);
    if (files.length > 0) this.failed(files.map((file) => ({ file, code: undefined })));
    this.idle();
  }

  private idle(): void {
    this.thread?.unref();
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}
