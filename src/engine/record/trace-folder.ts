import { mkdirSync, readdirSync } from 'node:fs';
import { join, sep } from 'node:path';
import { padTurn } from '../../mailbox/message.js';
import { isPartName, PARTS_FOLDER, placePart, removePart, type PartSources, type TracePart } from './trace-parts.js';

const TRACE_FILE = /^(\d{6,})\.json$/;

/** The turns a traces folder holds a trace for, oldest first. */
export function traceTurnsIn(directory: string): number[] {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return [];
  }
  return names
    .map((name) => TRACE_FILE.exec(name)?.[1])
    .filter((turn): turn is string => turn !== undefined)
    .map(Number)
    .sort((left, right) => left - right);
}

/**
 * One agent's traces folder as this process knows it: the kept turns, oldest first, and the parts
 * (trace-parts.ts) each kept trace refers to, so that pruning the oldest trace also removes a part
 * no kept trace refers to any more. Listed once, when a run first writes there, and kept up to
 * date by its own writes. What the traces written before it refer to is not read: until
 * they are all pruned, every part found in `parts/` then is taken to be theirs.
 */
export class TraceFolder {
  private readonly turns: number[];
  /** Parallel to `turns`: each kept trace's parts, or undefined for one written before this run. */
  private readonly references: (readonly string[] | undefined)[];
  /** How many kept traces with known parts refer to each part. */
  private readonly counts = new Map<string, number>();
  /** The parts in the folder when it was listed, which the traces written before may refer to. */
  private readonly found: Set<string>;
  /** Kept traces written before this run. */
  private unknown: number;
  /** Parts this run has put in place (placePart replaces whatever was there, once). */
  private readonly placed = new Set<string>();
  private readonly partsFolder: string;

  constructor(
    /** The agent's traces folder. */
    readonly directory: string,
    private readonly sources: PartSources,
    /** Removes a file, in order with the trace files written (trace-writer.ts). */
    private readonly remove: (file: string) => void,
  ) {
    this.partsFolder = join(directory, PARTS_FOLDER);
    // A folder made just now holds nothing: only one that was there already is listed.
    const made = mkdirSync(directory, { recursive: true }) !== undefined;
    this.turns = made ? [] : traceTurnsIn(directory);
    this.references = this.turns.map(() => undefined);
    this.unknown = this.turns.length;
    this.found = new Set(made ? [] : listParts(this.partsFolder));
  }

  /** The trace file of a turn (joined by hand: a path join per call costs more than the rest of keeping it). */
  file(turn: number): string {
    return `${this.directory}${sep}${padTurn(turn)}.json`;
  }

  /** Put each part in `parts/` before a trace refers to it. */
  place(parts: readonly TracePart[]): void {
    for (const part of parts) {
      if (this.placed.has(part.name)) continue;
      placePart(this.partsFolder, part, this.sources);
      this.placed.add(part.name);
    }
  }

  /** The trace of `turn`, referring to `parts`, was written: keep it, and drop the oldest beyond `keep` with the parts only they used. */
  kept(turn: number, parts: readonly string[], keep: number): void {
    for (const name of parts) this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    const index = this.turns.lastIndexOf(turn);
    if (index < 0) {
      this.turns.push(turn);
      this.references.push(parts);
    } else {
      // The turn's trace written again (the next step of a call, or a turn finished after a crash).
      const before = this.references[index];
      this.references[index] = parts;
      this.release(before);
    }
    while (this.turns.length > keep) {
      const oldest = this.turns.shift() as number;
      const references = this.references.shift();
      this.remove(this.file(oldest));
      this.release(references);
    }
  }

  private release(references: readonly string[] | undefined): void {
    if (references === undefined) {
      this.unknown -= 1;
      if (this.unknown === 0) for (const name of [...this.found]) this.removeIfUnused(name);
      return;
    }
    for (const name of references) {
      this.counts.set(name, (this.counts.get(name) ?? 1) - 1);
      this.removeIfUnused(name);
    }
  }

  private removeIfUnused(name: string): void {
    if ((this.counts.get(name) ?? 0) > 0 || (this.unknown > 0 && this.found.has(name))) return;
    this.counts.delete(name);
    this.found.delete(name);
    this.placed.delete(name);
    removePart(this.partsFolder, name, this.sources, this.remove);
  }
}

function listParts(folder: string): string[] {
  try {
    return readdirSync(folder).filter(isPartName);
  } catch {
    return [];
  }
}
