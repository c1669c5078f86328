import { lockHolder } from '../engine/record/lock.js';
import type { SeatDesk } from './seat-desk.js';

/** How often a waiting seat looks at its inbox. */
const LOOK_EVERY_MS = 1_000;

/**
 * Wait until the seat has unread mail (or notices), then read it as `read_inbox` does; after
 * `timeoutMs` (or when the client cancels) say that nothing came, and whether an engine is running
 * to deliver anything at all.
 */
export async function waitForMail(desk: SeatDesk, root: string, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const peek = desk.inbox({ markRead: false, limit: 1 });
    if (peek.messages.length > 0 || peek.notices.length > 0) return desk.inbox();
    if (Date.now() >= deadline || signal?.aborted) {
      const engine = lockHolder(root) ? 'an engine is running; its next turns may still answer' : 'no engine is running: replies come only while `lemming run` (or `lemming chat --drive`) runs';
      return `no new mail within ${Math.round(timeoutMs / 1000)} s; ${engine}`;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(LOOK_EVERY_MS, Math.max(0, deadline - Date.now()))));
  }
}
