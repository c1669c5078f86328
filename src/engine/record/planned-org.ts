import { createHash } from 'node:crypto';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import { readRegularFile } from '../../storage/read-regular-file.js';
import type { Org } from '../../org/org.js';
import { restoreOrg, storedOrgText, type StoredOrg } from '../../org/stored-org.js';

/** The org as an unfinished turn was planned, as a person finds it from the org root (statePaths' `plannedOrg`). */
export const PLANNED_ORG_FILE = 'org/state/cache/planned-org.json';

/** Snapshots this process wrote, by org object: an org whose files did not change is the same object, and is not written again. */
const written = new WeakMap<Org, { path: string; id: string }>();

/**
 * Keep the org as a turn is planned (`org/state/cache/planned-org.json`) and return its id
 * for the plan. A turn finished after a crash runs with this org, so edits made while the
 * engine was down apply from the next turn, exactly as if made during an uninterrupted run.
 * Written only when the org changed: a few milliseconds per edit, nothing per steady turn.
 */
export function saveOrgSnapshot(path: string, org: Org): string {
  const known = written.get(org);
  if (known && known.path === path) return known.id;
  const text = storedOrgText(org);
  const id = digestOf(text);
  if (readId(path) !== id) writeFileAtomic(path, `{"id":${JSON.stringify(id)},"org":${text}}\n`);
  written.set(org, { path, id });
  return id;
}

/** Why a plan's snapshot is not taken: gone (a cache a person cleared, or no file lemming wrote), or changed since it was written. */
export type SnapshotRefusal = { refused: 'gone' | 'changed' };

/** The file as `saveOrgSnapshot` writes it: the id, then the org's text, whose digest the id is. */
const SNAPSHOT_SHAPE = /^\{"id":"([0-9a-f]{16})","org":/;

/**
 * The org a plan was made with (`id`, as the plan journaled it), or why it is not taken. The id is
 * the digest of the org's text, so the text is hashed again as it is read back: a snapshot edited
 * since it was written (by hand, or carried hostile in a copied org) is `changed`, never believed,
 * and the turn is finished with the org as it is now, whose files passed the loader's checks.
 */
export function loadOrgSnapshot(path: string, id: string, root: string): Org | SnapshotRefusal {
  const kept = snapshotText(path, id);
  if (typeof kept !== 'string') return kept;
  try {
    return restoreOrg(JSON.parse(kept) as StoredOrg, root);
  } catch {
    return { refused: 'changed' };
  }
}

/**
 * The org's text of the snapshot kept under `id`, its digest checked, or why it is not taken (what
 * `lemming validate` asks, without restoring the org). Read as a regular file only: no link
 * followed, no pipe waited on.
 */
export function snapshotText(path: string, id: string): string | SnapshotRefusal {
  const read = readRegularFile(path, MAX_SNAPSHOT_BYTES);
  if (!('text' in read) || read.truncated) return { refused: 'gone' };
  const head = SNAPSHOT_SHAPE.exec(read.text);
  if (!head || head[1] !== id) return { refused: 'gone' };
  if (!read.text.endsWith('}\n')) return { refused: 'changed' };
  const text = read.text.slice(head[0].length, -2);
  return digestOf(text) === id ? text : { refused: 'changed' };
}

/** The id of an org's text: its sha256, cut to 16 hex digits (the plan journals it). */
function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * The most a snapshot may hold (an org's text is some 60 bytes an agent besides its resumes'
 * instructions: 100,000 agents with a page of instructions each fit); past it, not read. Below the
 * longest string V8 makes (some 512 MiB), so reading it never throws.
 */
const MAX_SNAPSHOT_BYTES = 256 * 1024 * 1024;

/** The id a snapshot file was written under, from its first bytes (the whole org is not read). */
function readId(path: string): string | undefined {
  const start = readRegularFile(path, 40);
  return 'text' in start ? /^\{"id":"([0-9a-f]+)"/.exec(start.text)?.[1] : undefined;
}
