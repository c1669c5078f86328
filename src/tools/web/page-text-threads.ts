import type { Worker } from 'node:worker_threads';
import { startThread } from '../../heap-settings.js';
import { builtScript } from '../../built-script.js';
import { MAX_HTML_CHARS } from './html-bounds.js';
import type { PageTextAnswer, PageTextRequest } from './page-text-thread.js';

/** How a page's conversion ended. */
export type Conversion =
  | { kind: 'text'; text: string; /** Characters of HTML left out (html-bounds.ts). */ cutChars: number; /** Elements flattened past the depth. */ flattened: number }
  /** The signal ended it first; the thread was stopped. */
  | { kind: 'stopped' }
  /** The converter threw, or its thread died (out of its memory, say). */
  | { kind: 'failed'; reason: string };

/**
 * The memory a converting thread may hold. The bounded HTML (html-bounds.ts) takes some tens of
 * MB at worst; a thread past this is ended by V8 and the call's result says so.
 */
const THREAD_HEAP_MB = 256;
/** A thread left idle this long is ended, giving its memory back; the next page starts another. */
const IDLE_MS = 60_000;

/**
 * Threads that turn pages' HTML into text off the engine's thread, one page each at a time. A
 * thread that finished is kept warm for the next page (starting one and loading html-to-text
 * costs more than a small page's conversion); a page that arrives while it works gets a thread of
 * its own, so a slow page never holds up another. A conversion the signal ends is stopped by
 * ending its thread, never waited for: the next page starts afresh.
 */
export class PageTextThreads {
  private readonly idle: Worker[] = [];
  private idleTimer: NodeJS.Timeout | undefined;

  /** `script`: the thread's program (a test gives one of its own); `keepIdle`: threads kept warm. */
  constructor(
    private readonly script: URL = builtScript('./page-text-thread.js', import.meta.url),
    private readonly keepIdle = 1,
  ) {}

  /** Turn `html` into text in a thread, unless `signal` ends first. Never rejects. */
  convert(html: string, signal: AbortSignal): Promise<Conversion> {
    if (signal.aborted) return Promise.resolve({ kind: 'stopped' });
    let worker: Worker;
    try {
      worker = this.idle.pop() ?? this.start();
    } catch (error) {
      return Promise.resolve({ kind: 'failed', reason: `no thread could be started (${(error as Error).message})` });
    }
    // Held while it works: the call waiting on it must keep the process alive.
    worker.ref();
    // Cut here too (the thread bounds what it is given): a page of web.max_bytes (up to 50 MB) is
    // not copied to the thread only for most of it to be left out.
    const cutHere = Math.max(0, html.length - MAX_HTML_CHARS);
    const request: PageTextRequest = { html: cutHere > 0 ? html.slice(0, MAX_HTML_CHARS) : html };
    return new Promise<Conversion>((resolve) => {
      const settle = (conversion: Conversion, reusable: boolean): void => {
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        signal.removeEventListener('abort', onAbort);
        if (reusable) this.release(worker);
        else void worker.terminate();
        resolve(conversion);
      };
      const onMessage = (answer: PageTextAnswer): void =>
        'error' in answer ? settle({ kind: 'failed', reason: answer.error }, true) : settle({ kind: 'text', ...answer, cutChars: answer.cutChars + cutHere }, true);
      const onError = (error: Error): void => settle({ kind: 'failed', reason: error.message }, false);
      const onExit = (code: number): void => settle({ kind: 'failed', reason: `its thread ended (exit code ${code})` }, false);
      const onAbort = (): void => settle({ kind: 'stopped' }, false);
      worker.on('message', onMessage).once('error', onError).once('exit', onExit);
      signal.addEventListener('abort', onAbort, { once: true });
      worker.postMessage(request);
    });
  }

  /** End every idle thread (a busy one ends with its page). */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    await Promise.all(this.idle.splice(0).map((worker) => worker.terminate()));
  }

  private start(): Worker {
    // Started so that the engine's V8 flags stay as set (heap-settings.ts).
    const worker = startThread({ file: this.script }, { resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB } });
    // One that dies while idle is dropped; listened to, its error never reaches the process.
    const forget = (): void => {
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
    };
    worker.on('error', forget).on('exit', forget);
    return worker;
  }

  private release(worker: Worker): void {
    if (this.idle.length >= this.keepIdle) {
      void worker.terminate();
      return;
    }
    // Waiting for work, it must not keep the process alive.
    worker.unref();
    this.idle.push(worker);
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.close(), IDLE_MS).unref();
  }
}

let shared: PageTextThreads | undefined;

/** Turn a page's HTML into text on the process's shared threads (see PageTextThreads). */
export function convertPage(html: string, signal: AbortSignal): Promise<Conversion> {
  shared ??= new PageTextThreads();
  return shared.convert(html, signal);
}
