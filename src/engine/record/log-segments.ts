import { mkdirSync, readdirSync, renameSync } from 'node:fs';

/**
 * An activity log is kept in pieces: `logs/activity.jsonl` holds its latest lines, and once it
 * reaches this size it is moved whole, at the first line of a later turn, to
 * `logs/activity/<number>.jsonl` (numbered from 000001 in order) and a new one is begun. So the
 * file a turn appends to stays small however long the run: the history records each turn's
 * files whole (docs/history.md), and a log of every turn in one file was most of what an entry
 * read, hashed and gave git, growing every turn. A piece once moved is never written again.
 */
export const LOG_SEGMENT_BYTES = 8 * 1024;

/** The folder of an activity log's earlier pieces, beside it: `logs/activity`. */
export function segmentFolder(log: string): string {
  return log.slice(0, -'.jsonl'.length);
}

const SEGMENT_NAME = /^(\d{6,})\.jsonl$/;

/** The earlier pieces of a log, oldest first (paths); none when it has never been cut. */
export function logSegments(log: string): string[] {
  const folder = segmentFolder(log);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const numbered: Array<[number, string]> = [];
  for (const name of names) {
    const match = SEGMENT_NAME.exec(name);
    if (match) numbered.push([Number(match[1]), name]);
  }
  numbered.sort((left, right) => left[0] - right[0]);
  return numbered.map(([, name]) => `${folder}/${name}`);
}

/**
 * Move the log whole to the next piece of its folder (one rename: a crash leaves it either where
 * it was or moved, never both or neither). Returns the piece's path.
 */
export function moveToSegment(log: string): string {
  const folder = segmentFolder(log);
  mkdirSync(folder, { recursive: true });
  const last = logSegments(log).at(-1);
  const number = last === undefined ? 1 : Number(SEGMENT_NAME.exec(last.slice(folder.length + 1))?.[1] ?? 0) + 1;
  const path = `${folder}/${String(number).padStart(6, '0')}.jsonl`;
  renameSync(log, path);
  return path;
}
