import { readFileSync } from 'node:fs';

/**
 * One of inotify's per-user limits (Linux): how many folders a user's programs may watch in all
 * (`max_user_watches`), or how many events the kernel queues before it drops the rest
 * (`max_queued_events`). Undefined where there is none to read (not Linux). Read by the engine's
 * change feed (folder-watch.ts) and the history's watch (history/recorded-watch.ts).
 */
export function inotifyLimit(name: 'max_user_watches' | 'max_queued_events'): number | undefined {
  try {
    const limit = Number(readFileSync(`/proc/sys/fs/inotify/${name}`, 'utf8').trim());
    return Number.isFinite(limit) && limit > 0 ? limit : undefined;
  } catch {
    return undefined;
  }
}
