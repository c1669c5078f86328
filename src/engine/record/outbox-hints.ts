import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import type { OutboxHint } from '../../mailbox/outbox-scan.js';

/** Hints by outbox owner. */
export type OutboxHints = Record<string, OutboxHint>;

/**
 * What a turn changes in the hints, by outbox owner: the hint to keep now, or null where the
 * outbox must be listed again next turn. Outboxes a turn neither listed nor wrote into are absent.
 */
export type HintChanges = Record<string, OutboxHint | null>;

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

/**
 * Apply a committed turn's changes to the hints, in place. A turn changes the hints of the few
 * outboxes it listed or wrote into: copying every agent's hint each turn (1,000 agents, 10 busy)
 * cost more than the rest of the hints' work put together.
 */
export function applyHintChanges(hints: OutboxHints, changes: HintChanges): void {
  for (const owner in changes) {
    const hint = changes[owner];
    if (hint === null || hint === undefined) delete hints[owner];
    else hints[owner] = hint;
  }
}

/**
 * Each hint's text in the file, kept by hint: a hint is never changed, only replaced, so an outbox
 * whose hint stayed is not formatted again (its time to 17 digits, each turn, for every agent).
 */
const hintTexts = new WeakMap<OutboxHint, { owner: string; text: string }>();

function hintText(owner: string, hint: OutboxHint): string {
  const kept = hintTexts.get(hint);
  if (kept !== undefined && kept.owner === owner) return kept.text;
  const text = `${JSON.stringify(owner)}:${JSON.stringify(hint)}`;
  hintTexts.set(hint, { owner, text });
  return text;
}

/** The file's text: what `JSON.stringify({ version: 1, outboxes: hints })` writes, and a newline. */
export function outboxHintsText(hints: OutboxHints): string {
  const parts: string[] = [];
  for (const owner in hints) {
    const hint = hints[owner];
    if (hint !== undefined) parts.push(hintText(owner, hint));
  }
  return `{"version":1,"outboxes":{${parts.join(',')}}}\n`;
}

/** Write the hints atomically; a folder that cannot be written goes without (hints are only a saving). */
export function saveOutboxHints(path: string, hints: OutboxHints): void {
  try {
    writeFileAtomic(path, outboxHintsText(hints));
  } catch {
    // Without hints the next turn lists every outbox: slower, never wrong.
  }
}
