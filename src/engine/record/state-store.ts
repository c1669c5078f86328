import { readdirSync, rmSync } from 'node:fs';
import { EXIT, LemmingError } from '../../errors.js';
import { forgetAtNextCommand } from '../../invocation.js';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import { readOwnCache, readOwnFile } from '../../storage/read-own-file.js';
import { crashPoint } from './crash-points.js';
import { initialState, stateFromJson, type EngineState, type PendingItem } from './engine-state.js';
import { LEDGER_RULE } from '../../org/ledger-line.js';
import { asNameRecord } from '../../org/names.js';
import { applyChange, baseText, changedMost, changeHolds, changeOf, changeText, partsFromJson, partsOf, type AgentParts, type PartsChange } from './state-parts.js';
import { changeProblem, headProblem, partsProblem } from './state-shape.js';

/**
 * Where the state's parts are (state-parts.ts), as `engine.json` names them: the files `first` to
 * `last` of `org/state/engine/` (`<number>.json`), `first` a whole copy and each after it what one
 * commit changed; with their sizes, by which the next commit writes a change or a new copy.
 */
interface PartsLayout {
  first: number;
  last: number;
  baseBytes: number;
  changeBytes: number;
}

/** The folder of a state's parts: `engine` beside `engine.json`. Pure. */
export function partsFolder(statePath: string): string {
  return statePath.endsWith('.json') ? statePath.slice(0, -'.json'.length) : `${statePath}.parts`;
}

function partPath(statePath: string, number: number): string {
  return `${partsFolder(statePath)}/${String(number).padStart(9, '0')}.json`;
}

const PART_NAME = /^(\d{9,})\.json$/;

/**
 * What this process's writer of each state (by its `engine.json`) last read or wrote: the file's text
 * and the parts as they were, so the next commit writes only what changed since. Checked against the
 * file before it is used (another process may have written the state since), and forgotten between
 * commands. A reader (`status`, the dashboard beside a run) leaves it alone.
 */
const kept = new Map<string, { head: string; layout: PartsLayout | undefined; parts: AgentParts; known?: WeakSet<PendingItem>; swept?: boolean }>();
forgetAtNextCommand(() => kept.clear());

/**
 * Read the engine's state; none there (never run) gives the initial state. Throws LemmingError
 * `corrupt-state` when a file cannot be read as the engine wrote it, and `old-state` for the state of
 * a lemming that did not keep a record of files taken in. A state written whole in `engine.json` (by
 * a lemming before its parts were kept apart) is read as it is; the engine's next commit writes it
 * in parts, once. `writer`: the state is read by the process that commits the next (the engine, which
 * holds the lock), whose next commit then writes only what changed from it.
 */
export function loadState(path: string, writer = false): EngineState {
  for (let attempt = 0; ; attempt += 1) {
    const head = readStateFile(path);
    if (head === undefined) return initialState();
    const data = parseHead(path, head);
    if (data.version === 2) {
      const state = stateFromJson(data as Partial<EngineState>);
      if (writer) kept.set(path, { head, layout: undefined, parts: partsOf(state) });
      return state;
    }
    const layout = data.parts as PartsLayout;
    const parts = readParts(path, layout);
    // Replaced by a commit while this read (its old parts removed): read the new one.
    if (parts === undefined) {
      if (attempt < 5) continue;
      throw corrupt(path, `${partPath(path, layout.first)} to ${partPath(path, layout.last)} are not all there`);
    }
    if (writer) kept.set(path, { head, layout, parts });
    const { parts: _parts, version: _version, ledger, ...rest } = data as unknown as Record<string, unknown> & { ledger: { offset: number; rule?: typeof LEDGER_RULE; crc?: number } };
    return {
      ...initialState(),
      ...(rest as Partial<EngineState>),
      version: 2,
      members: parts.members,
      pending: parts.pending,
      activity: parts.activity,
      errors: parts.errors,
      ledger: { offset: ledger.offset, totals: parts.totals, lastCharged: parts.lastCharged, ...(ledger.rule === undefined ? {} : { rule: ledger.rule }), ...(ledger.crc === undefined ? {} : { crc: ledger.crc }) },
    };
  }
}

/** The last finished turn, from `engine.json` alone (0: never run): what most readers want, without the parts. */
export function stateTurn(path: string): number {
  const head = readStateFile(path);
  return head === undefined ? 0 : parseHead(path, head).turn;
}

/**
 * `engine.json`'s text, or undefined when there is none (an org that never ran). Anything else that
 * keeps it from being read (a folder or a pipe in its place, no permission) is said, never taken for
 * an org at turn 0 with no mail waiting; a link is not followed (the engine's commit replaces the file,
 * never writes through one), so a state linked to a file outside the org is neither read nor quoted.
 */
function readStateFile(path: string): string | undefined {
  const read = readOwnFile(path);
  if ('problem' in read) throw corrupt(path, `it ${read.problem}`);
  return 'bytes' in read ? read.bytes.toString('utf8') : undefined;
}

function parseHead(path: string, text: string): Record<string, unknown> & { version: 2 | 3; turn: number } {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw corrupt(path, error instanceof Error ? error.message : String(error));
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw corrupt(path, `it holds ${JSON.stringify(data)}, not the engine's record ({"version":3,"turn":4,...})`);
  if (data.version === 1) {
    throw new LemmingError(
      'old-state',
      `${path} was written by an earlier lemming, which judged new mail by file times; ` +
        'run `lemming adopt` once to take the mail now in the outboxes as history, then run again',
      { exitCode: EXIT.record },
    );
  }
  const parts = data.parts as Partial<PartsLayout> | undefined;
  const layoutWhole = data.version === 3 && parts !== undefined && Number.isSafeInteger(parts.first) && Number.isSafeInteger(parts.last) && (parts.first as number) <= (parts.last as number);
  if (data.version !== 2 && !layoutWhole) throw corrupt(path, `unknown version ${String(data.version)}`);
  const problem = headProblem(data);
  if (problem !== undefined) throw corrupt(path, problem);
  return data as Record<string, unknown> & { version: 2 | 3; turn: number };
}

function corrupt(path: string, why: string): LemmingError {
  return new LemmingError('corrupt-state', `${path} cannot be read (${why}); it is written atomically, so this means it was edited by hand: restore it or run \`lemming reset\``, { exitCode: EXIT.record });
}

/** The parts `layout` names, read and put together; undefined when one is gone (a commit replaced them meanwhile). */
function readParts(path: string, layout: PartsLayout): AgentParts | undefined {
  let parts: AgentParts | undefined;
  for (let number = layout.first; number <= layout.last; number += 1) {
    const file = partPath(path, number);
    const read = readOwnFile(file);
    if ('absent' in read) return undefined;
    if ('problem' in read) throw corrupt(file, `it ${read.problem}`);
    const text = read.bytes.toString('utf8');
    let data: { kind?: unknown } & Record<string, unknown>;
    try {
      data = JSON.parse(text) as typeof data;
    } catch (error) {
      throw corrupt(file, error instanceof Error ? error.message : String(error));
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw corrupt(file, `it holds ${JSON.stringify(data)}, not a part of the engine's state ({"kind":"base",...})`);
    if (number === layout.first) {
      if (data.kind !== 'base') throw corrupt(file, `it is not a whole copy of the state's parts ("kind": "base"), which engine.json says it is`);
      const problem = partsProblem(data);
      if (problem !== undefined) throw corrupt(file, problem);
      parts = partsFromJson(data as Partial<AgentParts>);
    } else {
      if (data.kind !== 'change') throw corrupt(file, `it is not a change ("kind": "change"), which engine.json says it is`);
      const problem = changeProblem(data);
      if (problem !== undefined) throw corrupt(file, problem);
      parts = applyChange(parts as AgentParts, changeFromJson(data as PartsChange));
    }
  }
  return parts;
}

/** A change read back: its records without a prototype (org/names.ts; state-shape.ts made them so as it checked them). */
function changeFromJson(data: PartsChange): PartsChange {
  const { joined, members, gone, added, activity, errors, totals, lastCharged } = data;
  const records = { activity, errors, totals, lastCharged };
  const change: PartsChange = { ...(joined ? { joined } : {}), ...(members ? { members } : {}), ...(gone ? { gone } : {}), ...(added ? { added } : {}) };
  for (const [field, record] of Object.entries(records)) if (record) (change as Record<string, unknown>)[field] = asNameRecord(record as Readonly<Record<string, unknown>>);
  return change;
}

/**
 * Commit the state. The parts first, then `engine.json`, each written atomically (a temporary, then
 * rename): `engine.json` is the commit, so a kill before it leaves the state as it was (a part it does
 * not name is written again, or removed, by the next commit), and a kill after it the new one. The
 * parts are what changed since the state this process last read or wrote (a change), unless most
 * agents' entries changed (a turn most of them ran in), the changes since the last whole copy would
 * then outweigh it, or `engine.json` is not what this process last saw of it: then a whole copy, and
 * the older parts are removed once it is committed.
 */
export function saveState(path: string, state: EngineState): void {
  const parts = partsOf(state);
  const last = kept.get(path);
  const onDisk = last?.layout && readHead(path) === last.head ? last : undefined;
  let layout: PartsLayout;
  let whole = true;
  if (onDisk?.layout && changedMost(onDisk.parts, parts)) layout = writeBase(path, state.turn, parts, onDisk.layout.last + 1);
  else if (onDisk?.layout) {
    const known = (onDisk.known ??= new WeakSet(onDisk.parts.pending));
    const change = changeOf(onDisk.parts, parts, known);
    if (change === undefined) {
      layout = onDisk.layout;
      whole = false;
    } else {
      const text = changeText(state.turn, change);
      const bytes = Buffer.byteLength(text);
      if (onDisk.layout.changeBytes + bytes <= onDisk.layout.baseBytes && changeHolds(onDisk.parts, change, parts)) {
        layout = { ...onDisk.layout, last: onDisk.layout.last + 1, changeBytes: onDisk.layout.changeBytes + bytes };
        writeFileAtomic(partPath(path, layout.last), text);
        whole = false;
        for (const item of change.added ?? []) known.add(item);
      } else layout = writeBase(path, state.turn, parts, onDisk.layout.last + 1);
    }
  } else layout = writeBase(path, state.turn, parts, (last?.layout?.last ?? 0) + 1);
  crashPoint('mid-state');
  const head = headText(state, layout);
  writeFileAtomic(path, head);
  // What no commit names any more: the parts before a new whole copy, and, at a process's first commit, any a kill left.
  if (whole || !onDisk?.swept) sweepParts(path, layout);
  const known = whole ? undefined : onDisk?.known;
  kept.set(path, { head, layout, parts, ...(known ? { known } : {}), swept: true });
}

/** The head on disk, to compare with the one this process wrote last; anything else than lemming's file is not it. */
function readHead(path: string): string | undefined {
  return readOwnCache(path);
}

/** Write a whole copy of the parts as part `number`; its layout. */
function writeBase(path: string, turn: number, parts: AgentParts, number: number): PartsLayout {
  const text = baseText(turn, parts);
  writeFileAtomic(partPath(path, number), text);
  return { first: number, last: number, baseBytes: Buffer.byteLength(text), changeBytes: 0 };
}

/** Remove the parts `layout` does not name (a kill between a commit and this leaves them for the next). */
function sweepParts(path: string, layout: PartsLayout): void {
  let names: string[];
  try {
    names = readdirSync(partsFolder(path));
  } catch {
    return;
  }
  for (const name of names) {
    const match = PART_NAME.exec(name);
    if (!match) continue;
    const number = Number(match[1]);
    if (number < layout.first || number > layout.last) rmSync(`${partsFolder(path)}/${name}`, { force: true });
  }
}

/** `engine.json`'s text: the state but its parts, and where they are. */
function headText(state: EngineState, layout: PartsLayout): string {
  const { version: _version, members: _members, pending: _pending, activity: _activity, errors: _errors, ledger, ...rest } = state;
  return `${JSON.stringify({ version: 3, ...rest, ledger: { offset: ledger.offset, ...(ledger.rule === undefined ? {} : { rule: ledger.rule }), ...(ledger.crc === undefined ? {} : { crc: ledger.crc }) }, parts: layout })}\n`;
}
