import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import { readRegularFile } from '../../mailbox/read-regular-file.js';
import type { Org } from '../../org/org.js';
import { restoreOrg, storedOrgText, type StoredOrg } from '../../org/stored-org.js';

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
  const id = createHash('sha256').update(text).digest('hex').slice(0, 16);
  if (readId(path) !== id) writeFileAtomic(path, `{"id":${JSON.stringify(id)},"org":${text}}\n`);
  written.set(org, { path, id });
  return id;
}

/** The org a plan was made with, or undefined when its snapshot is gone (a cache a person cleared). */
export function loadOrgSnapshot(path: string, id: string, root: string): Org | undefined {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as { id?: string; org?: StoredOrg };
    if (data.id !== id || !data.org) return undefined;
    return restoreOrg(data.org, root);
  } catch {
    return undefined;
  }
}

/** The id a snapshot file was written under, from its first bytes (the whole org is not read). */
function readId(path: string): string | undefined {
  const start = readRegularFile(path, 40);
  return 'text' in start ? /^\{"id":"([0-9a-f]+)"/.exec(start.text)?.[1] : undefined;
}
