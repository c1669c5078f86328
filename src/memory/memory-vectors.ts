import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import { readRegularFile } from '../storage/read-regular-file.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import type { Memory } from './memory-file.js';
import { vectorProblem } from './vector-rule.js';
import { MAX_FOCAL_POINTS } from './focal-points.js';
import { forgetAtNextCommand } from '../invocation.js';

/**
 * A memory's vector as kept beside the stream, `agents/<name>/memory/vectors/<id>.json`: the model
 * that made it and a hash of the text it was made from, so a memory a person edits, or a change of
 * model, is embedded again and nothing else is. Plain files like the stream: the history, a fork and a
 * replay carry them, and one that is missing, cannot be read or breaks the vector's rule
 * (vector-rule.ts) is only made again. Where the model's answer for the memory broke that rule, the
 * file says why instead of holding a vector (`refused`): the memory is ranked by its words, and not
 * sent again while its text and the model stay the same.
 */
export type StoredVector = { model: string; /** sha256 of the memory's text, hex. */ hash: string } & ({ vector: number[] } | { refused: string });

/** A vector kept for a memory, or why its model's answer was not kept. */
export type KeptVector = { vector: number[] } | { refused: string };

/** The most bytes of a vector file read: a vector the rule allows (MAX_DIMENSIONS numbers) written out is under it. */
const MAX_VECTOR_BYTES = 256 * 1024;
/** The longest reason a refusal file keeps. */
const MAX_REASON = 500;
/** Ids lemming or a person's file name gives that are safe as a file name of their own. */
const SAFE_ID = /^[\w.-]{1,120}$/;

/** An agent's vectors, beside its stream. */
export function vectorFolder(root: string, agent: string): string {
  return join(root, 'agents', agent, 'memory', 'vectors');
}

/** The hash a vector is kept with: of the memory's text as the index holds it. Pure. */
export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The file a memory's vector is kept in; undefined for an id that is not safe as a file name (that memory is ranked by its words alone). */
export function vectorFile(root: string, agent: string, memory: Pick<Memory, 'id'>): string | undefined {
  return SAFE_ID.test(memory.id) && !memory.id.startsWith('.') ? join(vectorFolder(root, agent), `${memory.id}.json`) : undefined;
}

/** The vector kept for this memory by this model, or why its answer was refused, when its text has not changed since; undefined otherwise. */
export function readVector(root: string, agent: string, memory: Pick<Memory, 'id' | 'text'>, model: string): KeptVector | undefined {
  return readKept(root, agent, memory, model).kept;
}

/**
 * As readVector, and, when the file kept for the memory was made by another model, that model's name: the memory is
 * embedded again, and that is said. A file there that lemming cannot use (not JSON, not an object, a vector that breaks
 * the vector's rule) is `damaged`, with why: the memory is embedded again as for a missing file, and that is said too.
 */
export function readKept(root: string, agent: string, memory: Pick<Memory, 'id' | 'text'>, model: string): { kept?: KeptVector; otherModel?: string; damaged?: { file: string; why: string } } {
  const path = vectorFile(root, agent, memory);
  if (path === undefined) return {};
  const read = readStored(path, memory.text, model);
  if (!('damaged' in read)) return read;
  if (!saidDamaged.has(path)) foundDamaged.set(path, { file: relative(root, path), why: read.damaged });
  return { damaged: { file: relative(root, path), why: read.damaged } };
}

/**
 * Kept vector files this command found damaged (readKept) and has not said yet, by path; and those it has said. A damaged file is
 * said once a command, by the first turn that reads it (embed-query.ts when its plan embeds the memory again; memory-layer.ts,
 * recallFor, when the memory is ranked by its words: the embedding call failed, or a turn recovered from its kept vectors), whatever
 * became of the file: forgotten at the next command, as the memory index's files too long to show are (memory-index.ts).
 */
const foundDamaged = new Map<string, { file: string; why: string }>();
const saidDamaged = new Set<string>();
forgetAtNextCommand(() => {
  foundDamaged.clear();
  saidDamaged.clear();
});

/** An agent's kept vector files found damaged and not yet said, as said now: how many, the first (from the org root), and a clause naming them and why. */
export interface DamagedVectors {
  files: number;
  file: string;
  /** `a kept vector could not be used: <why> (and N more files of <folder>)`. */
  said: string;
}

/** The agent's kept vector files found damaged by this command and not said yet, now taken as said; undefined when there are none. */
export function damagedUnsaid(root: string, agent: string): DamagedVectors | undefined {
  const folder = `${vectorFolder(root, agent)}/`;
  const found = [...foundDamaged].filter(([path]) => path.startsWith(folder));
  const [first] = found;
  if (first === undefined) return undefined;
  for (const [path] of found) {
    foundDamaged.delete(path);
    saidDamaged.add(path);
  }
  const others = found.length === 1 ? '' : ` (and ${found.length - 1} more file${found.length === 2 ? '' : 's'} of agents/${agent}/memory/vectors/)`;
  return { files: found.length, file: first[1].file, said: `a kept vector could not be used: ${first[1].why}${others}` };
}

/**
 * Where the vectors of the queries an agent's retrieval ranked with in its latest planned turn are
 * kept (one a thing its prompt asks it to answer: focal-points.ts): one file an agent, made again
 * each turn it is called, so a turn recovered after a crash (or its call prepared again) ranks with
 * the vectors its plan had and asks no server (the plan's record, engine/record/journal.ts, says they
 * were made). The history keeps each turn's.
 */
export function queryVectorFile(root: string, agent: string): string {
  return join(vectorFolder(root, agent), 'query', 'latest.json');
}

/** The most bytes of the queries' file read: a vector the rule allows for each focal point. */
const MAX_QUERY_FILE_BYTES = MAX_FOCAL_POINTS * MAX_VECTOR_BYTES;

/**
 * The vector kept for each of `queries` in `turn`, made by `model` from that very text (in order;
 * undefined for one not kept: that query ranks by its words alone). Each is checked against the
 * vector's rule as it is read back. A file of the older shape (one query: `hash` and `vector` at its top) is read too.
 */
export function readQueryVectors(root: string, agent: string, turn: number, queries: readonly string[], model: string): Array<number[] | undefined> {
  const stored = readObject(queryVectorFile(root, agent), MAX_QUERY_FILE_BYTES);
  if (stored?.model !== model) return queries.map(() => undefined);
  const { vectors, hash, vector } = stored as { vectors?: unknown; hash?: unknown; vector?: unknown };
  const entries = Array.isArray(vectors) ? (vectors as unknown[]) : [{ hash, vector }];
  const byHash = new Map<string, number[]>();
  for (const entry of entries.slice(0, MAX_FOCAL_POINTS)) {
    if (typeof entry !== 'object' || entry === null) continue;
    const kept = entry as { hash?: unknown; vector?: unknown };
    if (typeof kept.hash === 'string' && vectorProblem(kept.vector) === undefined) byHash.set(kept.hash, kept.vector as number[]);
  }
  return queries.map((query) => byHash.get(textHash(`${turn}\n${query}`)));
}

/** Keep the vectors of `queries` for `turn` (those made: a query whose vector was refused has none), through the one write layer. */
export function writeQueryVectors(root: string, agent: string, turn: number, queries: readonly string[], model: string, vectors: ReadonlyArray<readonly number[] | undefined>): void {
  const kept = queries.flatMap((query, index) => {
    const vector = vectors[index];
    return vector === undefined ? [] : [{ hash: textHash(`${turn}\n${query}`), vector }];
  });
  writeFileAtomic(queryVectorFile(root, agent), `${JSON.stringify({ model, vectors: kept })}\n`);
}

/** A kept vector (or refusal), when it was made by `model` from `text` and keeps the vector's rule as it is read back; or the other model that made it; or why the file cannot be used. */
function readStored(path: string, text: string, model: string): { kept?: KeptVector; otherModel?: string } | { damaged: string } {
  const read = readKeptObject(path, MAX_VECTOR_BYTES);
  if ('damaged' in read) return read;
  const stored = read.stored;
  if (!stored) return {};
  const { model: madeBy, hash, vector, refused } = stored as { model?: unknown; hash?: unknown; vector?: unknown; refused?: unknown };
  if (madeBy !== model) return typeof madeBy === 'string' && madeBy !== '' ? { otherModel: madeBy.slice(0, MAX_REASON) } : {};
  if (hash !== textHash(text)) return {};
  if (typeof refused === 'string') return { kept: { refused: refused.slice(0, MAX_REASON) } };
  const problem = vectorProblem(vector);
  return problem === undefined ? { kept: { vector: vector as number[] } } : { damaged: `its vector ${problem}` };
}

/** A kept file's JSON object, read within `maxBytes`; undefined for one missing, longer, not JSON or not an object (it is only made again). */
function readObject(path: string, maxBytes: number): Record<string, unknown> | undefined {
  const read = readKeptObject(path, maxBytes);
  return 'stored' in read ? read.stored : undefined;
}

/** A kept file's JSON object, read within `maxBytes`: none for a file that is not there, or why one that is cannot be used. */
function readKeptObject(path: string, maxBytes: number): { stored?: Record<string, unknown> } | { damaged: string } {
  const read = readRegularFile(path, maxBytes);
  if ('error' in read) return read.code === 'ENOENT' ? {} : { damaged: `it ${read.error}` };
  if (read.truncated) return { damaged: `it is longer than the ${maxBytes} bytes a vector can take` };
  let stored: unknown;
  try {
    stored = JSON.parse(read.text);
  } catch {
    return { damaged: 'it is not JSON' };
  }
  return typeof stored === 'object' && stored !== null && !Array.isArray(stored) ? { stored: stored as Record<string, unknown> } : { damaged: 'it is not a JSON object' };
}

/** Keep a memory's vector (one that kept the vector's rule), or why its model's answer was refused, through the one write layer. */
export function writeVector(root: string, agent: string, memory: Pick<Memory, 'id' | 'text'>, model: string, kept: KeptVector): void {
  const path = vectorFile(root, agent, memory);
  if (path === undefined) return;
  const body = 'vector' in kept ? { vector: kept.vector } : { refused: kept.refused.slice(0, MAX_REASON) };
  writeFileAtomic(path, `${JSON.stringify({ model, hash: textHash(memory.text), ...body })}\n`);
}
