/**
 * When each memory was last recalled into a prompt: the accesses that recency counts from, as Park et
 * al.'s generative agents count it (rank-memories.ts). Each turn an agent's prompt recalls memories,
 * the engine writes their ids into `agents/<name>/memory/recalled/<turn>.md` when it applies the
 * turn (memory-stream.ts, writeRecalled), so the accesses are part of the turn's record: the history,
 * a fork and a replay carry them, and a turn finished after a crash ranks as it was planned (only
 * accesses of earlier turns count).
 */
import { lstatSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { padTurn } from '../mailbox/message.js';
import { readRegularFile } from '../storage/read-regular-file.js';
import { trustworthyTime } from '../mailbox/outbox-scan.js';
import type { Memory } from './memory-file.js';
import { MAX_MEMORY_BYTES, walkStream } from './stream-walk.js';

/** `000012.md`: the file of the memories recalled in turn 12. */
const ACCESS_NAME = /^(\d{6,})\.md$/;

/** The file of the memories recalled into a prompt of `turn`. */
export function recalledFileName(turn: number): string {
  return `${padTurn(turn)}.md`;
}

/** The ids recalled, one a line, in the order the prompt showed them. Pure; the inverse of parseRecalled. */
export function formatRecalled(ids: readonly string[]): string {
  return `${ids.map((id) => id.replace(/[\r\n]+/g, ' ')).join('\n')}\n`;
}

/** The ids of a recalled file: its lines, blank ones left out. Pure. */
export function parseRecalled(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** One file of the folder: its stamp, its turn and the ids it names. */
interface AccessFile {
  stamp: string;
  turn: number;
  ids: readonly string[];
}

function stampOf(stat: { mtimeMs: number; size: number }): string {
  return `${stat.mtimeMs}:${stat.size}`;
}

/**
 * An agent's recalled files as the ranking reads them, kept in the process with its stream index
 * (memory-index.ts) and brought up to date as it is: the folder listed (through the stream's bounded
 * walker: its newest 5,000 files) only when its time moved, and only files whose stamp changed read.
 */
export class AccessLog {
  private readonly files = new Map<string, AccessFile>();
  /** Each id's turns of access, ascending; derived from `files`, until the next change. */
  private turnsOf: Map<string, number[]> | undefined;
  /** The latest turn `turnsOf` holds. */
  private latestTurn = Number.NEGATIVE_INFINITY;
  private folderTime: number | undefined;

  constructor(
    /** The org's root: a recalled folder that lies outside it (a link on its way leads out) is never read. */
    private readonly root: string,
    private readonly folder: string,
  ) {}

  /** The turn each memory was last recalled in, before `turn` (undefined: never, or not in the turns the folder's bound keeps). */
  lastAccessBefore(turn: number): (memory: Memory) => number | undefined {
    this.refresh();
    const turnsOf = this.byId();
    return (memory) => {
      const turns = turnsOf.get(memory.id);
      if (!turns) return undefined;
      for (let index = turns.length - 1; index >= 0; index -= 1) {
        const at = turns[index] as number;
        if (at < turn) return at;
      }
      return undefined;
    };
  }

  /** The engine wrote `name` (recalled in `turn`) while the folder's time went from `before` to `after`: taken in without listing the folder again, when nobody else changed it. */
  wrote(name: string, turn: number, ids: readonly string[], before: number | undefined, after: number): void {
    const stat = lstatSync(join(this.folder, name), { throwIfNoEntry: false });
    if (this.folderTime === undefined || before !== this.folderTime || !trustworthyTime(after) || !stat?.isFile()) {
      this.folderTime = Number.NaN;
      return;
    }
    const had = this.files.get(name);
    this.files.set(name, { stamp: stampOf(stat), turn, ids });
    // A new turn after every one held (the engine's way): its accesses are added, not every file's counted again.
    if (this.turnsOf && had === undefined && turn > this.latestTurn) {
      for (const id of ids) {
        const turns = this.turnsOf.get(id);
        if (turns === undefined) this.turnsOf.set(id, [turn]);
        else if (turns[turns.length - 1] !== turn) turns.push(turn);
      }
      this.latestTurn = turn;
    } else {
      this.turnsOf = undefined;
    }
    this.folderTime = after;
  }

  /** What the process lets go of with the stream's index. */
  release(): void {
    this.files.clear();
    this.turnsOf = undefined;
    this.folderTime = undefined;
  }

  private refresh(): void {
    const stat = statSync(this.folder, { throwIfNoEntry: false });
    if (!stat?.isDirectory()) {
      if (this.files.size > 0) this.release();
      this.folderTime = Number.NaN;
      return;
    }
    if (stat.mtimeMs === this.folderTime && trustworthyTime(stat.mtimeMs)) return;
    const met = new Set<string>();
    walkStream(this.folder, this.root, (file) => {
      const turn = ACCESS_NAME.exec(file.name)?.[1];
      if (turn === undefined || file.problem !== undefined) return;
      met.add(file.name);
      const stamp = stampOf(file.stat);
      if (this.files.get(file.name)?.stamp === stamp) return;
      const read = readRegularFile(file.path, MAX_MEMORY_BYTES);
      this.files.set(file.name, { stamp, turn: Number(turn), ids: 'text' in read ? parseRecalled(read.text) : [] });
      this.turnsOf = undefined;
    });
    for (const name of [...this.files.keys()]) {
      if (met.has(name)) continue;
      this.files.delete(name);
      this.turnsOf = undefined;
    }
    this.folderTime = stat.mtimeMs;
  }

  private byId(): Map<string, number[]> {
    if (this.turnsOf) return this.turnsOf;
    const turnsOf = new Map<string, number[]>();
    const files = [...this.files.values()].sort((left, right) => left.turn - right.turn);
    this.latestTurn = files[files.length - 1]?.turn ?? Number.NEGATIVE_INFINITY;
    for (const file of files) {
      for (const id of file.ids) {
        const turns = turnsOf.get(id);
        if (turns === undefined) turnsOf.set(id, [file.turn]);
        else if (turns[turns.length - 1] !== file.turn) turns.push(file.turn);
      }
    }
    this.turnsOf = turnsOf;
    return turnsOf;
  }
}
