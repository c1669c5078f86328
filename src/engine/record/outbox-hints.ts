import { writeFileAtomic } from '../../storage/atomic-write.js';
import type { OutboxHint } from '../../mailbox/outbox-scan.js';
import { readOwnCache } from '../../storage/read-own-file.js';

/** Hints by outbox owner, as a turn's scan finds them and its plan journals them. */
export type OutboxHints = Record<string, OutboxHint>;

/**
 * What a turn changes in the hints, by outbox owner: the hint to keep now, or null where the
 * outbox must be listed again next turn. Outboxes a turn neither listed nor wrote into are absent.
 */
export type HintChanges = Record<string, OutboxHint | null>;

/** In an org bigger than a turn's look (engine.changes.scan_per_turn), the hints are written every this many turns (see OutboxHintStore.committed). */
const SAVE_TURNS = 10;

/** One outbox's hint, with its text in the file (`"owner":{"mtimeMs":...}`) once made. */
interface KeptHint {
  hint: OutboxHint;
  text?: string;
}

function isHint(value: unknown): value is OutboxHint {
  return typeof value === 'object' && value !== null && typeof (value as { mtimeMs?: unknown }).mtimeMs === 'number';
}

function hintText(owner: string, kept: KeptHint): string {
  kept.text ??= `${JSON.stringify(owner)}:${JSON.stringify(kept.hint)}`;
  return kept.text;
}

/**
 * The engine's machine-local hints (`org/state/cache/outbox-hints.json`): for each outbox, its
 * mtime when the engine last knew every file in it. A turn changes the hints of the few outboxes
 * it listed or wrote into, so they are changed in place once it commits, and the file is written
 * from each hint's text as it was made: copying and formatting every agent's hint each turn
 * (1,000 agents, 10 busy) was a quarter of a steady turn's allocation.
 */
export class OutboxHintStore {
  /** The hints, read at their first use: opening an engine on 100,000 agents does not wait for 3 MB it may not need yet. */
  private read?: Map<string, KeptHint>;
  /** Committed turns whose changes are not in the file yet. */
  private unsavedTurns = 0;

  private constructor(private readonly path: string) {}

  private get hints(): Map<string, KeptHint> {
    this.read ??= readHints(this.path);
    return this.read;
  }

  /**
   * The hints kept at `path` (read at their first use). Missing or unreadable hints are no hints: every outbox is listed once, and
   * the record of files taken in decides what is new, so a copied or cloned org loses and repeats nothing.
   */
  static load(path: string): OutboxHintStore {
    return new OutboxHintStore(path);
  }

  /** The hint of an agent's outbox, if the engine knows every file in it as of some mtime. */
  get(owner: string): OutboxHint | undefined {
    return this.hints.get(owner)?.hint;
  }

  /** Apply a committed turn's changes. */
  apply(changes: HintChanges): void {
    for (const [owner, hint] of Object.entries(changes)) {
      if (hint === null) this.hints.delete(owner);
      else this.hints.set(owner, { hint });
    }
  }

  /**
   * A turn committed: its changes applied, and the file written when due. When every outbox is
   * looked at every turn (`everyTurn`), after each turn; in a bigger org every SAVE_TURNS turns and
   * at `close`, since the file holds a line for every agent (3 MB at 100,000, a sixth of a steady
   * turn there) while a turn changes a few. A file left older by a crash is only slower, never
   * wrong: an outbox whose time moved since is listed, and the record of files taken in decides
   * what is new.
   */
  committed(changes: HintChanges | undefined, everyTurn: boolean): void {
    if (changes) this.apply(changes);
    this.unsavedTurns += 1;
    if (everyTurn || this.unsavedTurns >= SAVE_TURNS) this.save();
  }

  /** The engine closes: the turns since the file was last written are written. */
  close(): void {
    if (this.unsavedTurns > 0) this.save();
  }

  /** The file's text: `{"version":1,"outboxes":{...}}` and a newline. */
  text(): string {
    const parts: string[] = [];
    for (const [owner, kept] of this.hints) parts.push(hintText(owner, kept));
    return `{"version":1,"outboxes":{${parts.join(',')}}}\n`;
  }

  /** Write the hints atomically where they were loaded from; a folder that cannot be written goes without (hints are only a saving). */
  save(): void {
    this.unsavedTurns = 0;
    try {
      writeFileAtomic(this.path, this.text());
    } catch {
      // Without hints the next turn lists every outbox: slower, never wrong.
    }
  }
}

const HEAD = '{"version":1,"outboxes":{';
const FIELD = '":{"mtimeMs":';
/** An owner as the store writes it (an agent's name needs no escape) and a number as JSON writes one. */
const PLAIN_OWNER = /^[A-Za-z0-9_.-]+$/;
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$/;

/**
 * The hints of a file as the store writes it (`text()`), each keeping its own text, so that a save
 * writes it again without formatting its time; undefined for a file in any other form (edited by
 * hand, an older lemming's), which JSON.parse reads. At 100,000 agents, reading every hint as JSON
 * and writing each again was a tenth of a whole run-once.
 */
function readOwnHints(text: string): Map<string, KeptHint> | undefined {
  const end = text.endsWith('}}\n') ? text.length - 3 : -1;
  if (!text.startsWith(HEAD) || end < 0) return undefined;
  const hints = new Map<string, KeptHint>();
  let at = HEAD.length;
  while (at < end) {
    if (text.charCodeAt(at) !== 34) return undefined;
    const field = text.indexOf(FIELD, at);
    const close = field < 0 ? -1 : text.indexOf('}', field);
    if (close < 0 || close > end) return undefined;
    const owner = text.slice(at + 1, field);
    const time = text.slice(field + FIELD.length, close);
    if (!PLAIN_OWNER.test(owner) || !JSON_NUMBER.test(time)) return undefined;
    // A name given twice keeps its first place and its last time, as JSON.parse reads it.
    hints.set(owner, { hint: { mtimeMs: Number(time) }, text: text.slice(at, close + 1) });
    at = close + 1;
    if (at === end) break;
    if (text.charCodeAt(at) !== 44 || at + 1 === end) return undefined;
    at += 1;
  }
  return hints;
}

/** The hints in the file; missing or unreadable ones are none (see OutboxHintStore.load). */
function readHints(path: string): Map<string, KeptHint> {
  const hints = new Map<string, KeptHint>();
  const text = readOwnCache(path);
  if (text === undefined) return hints;
  try {
    const own = readOwnHints(text);
    if (own) return own;
    const data = JSON.parse(text) as { version?: unknown; outboxes?: unknown };
    if (data.version === 1 && data.outboxes && typeof data.outboxes === 'object') {
      for (const [owner, hint] of Object.entries(data.outboxes as Record<string, unknown>)) {
        // An entry edited by hand into something else is no hint: that outbox is listed.
        if (isHint(hint)) hints.set(owner, { hint: { mtimeMs: hint.mtimeMs } });
      }
    }
  } catch {
    // No hints: every outbox is listed at the next turn.
  }
  return hints;
}
