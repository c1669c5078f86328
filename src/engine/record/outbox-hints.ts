import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import type { OutboxHint } from '../../mailbox/outbox-scan.js';

/** Hints by outbox owner. */
export type OutboxHints = Record<string, OutboxHint>;

/**
 * Read the machine-local hints (`org/state/cache/outbox-hints.json`). Missing or unreadable
 * hints are no hints: every outbox is listed once, and the record of files taken in decides
 * what is new, so a copied or cloned org loses and repeats nothing.
 */
export function loadOutboxHints(path: string): OutboxHints {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown; outboxes?: unknown };
    if (data.version !== 1 || !data.outboxes || typeof data.outboxes !== 'object') return {};
    return data.outboxes as OutboxHints;
  } catch {
    return {};
  }
}

/** Write the hints atomically; a folder that cannot be written goes without (hints are only a saving). */
export function saveOutboxHints(path: string, hints: OutboxHints): void {
  try {
    writeFileAtomic(path, `${JSON.stringify({ version: 1, outboxes: hints })}\n`);
  } catch {
    // Without hints the next turn lists every outbox: slower, never wrong.
  }
}
