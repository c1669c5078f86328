import type { Problem } from '../errors.js';
import { readSettledOrg } from './kept-org-with-edits.js';
import { OrgLoader } from './load-org.js';
import { readOrgAsWritten } from './org-as-written.js';
import type { Org } from './org.js';
import { parseResume } from './parse-files.js';

/*
 * The org loaded once, by a command or a library call that reads it and is done: no loader kept
 * from one load to the next, as the engine, the dashboard and the chat keep theirs (load-org.ts).
 */

/** Load an org once, throwing InvalidOrgError with every problem when any file has errors. */
export function loadOrg(root: string): { org: Org; problems: Problem[] } {
  const result = new OrgLoader(root).loadOrThrow();
  return { org: result.org, problems: result.problems };
}

/**
 * Load an org to show it, whatever state its files are in: every problem, and the org made of
 * what is valid (see OrgLoadResult.org, load-org.ts). For commands that read, never for one that runs turns.
 */
export function loadOrgForReading(root: string): { org: Org; problems: Problem[]; standIns: string[] } {
  // Unchanged files (each one stat-ed), or a few resumes edited since: the org as the last error-free load settled it, not parsed and checked again.
  const kept = readSettledOrg(root, () => parseResume);
  return kept ? { org: kept.org, problems: kept.problems, standIns: [] } : loadOrgFromFiles(root);
}

/**
 * `loadOrgForReading` without the settled org: every file from the parse cache or parsed, checked and
 * assembled. An org this machine keeps no parse cache of, with no error, is read as written and kept
 * nowhere (org-as-written.ts); otherwise the whole load reads it, keeping its versions and the caches.
 */
export function loadOrgFromFiles(root: string): { org: Org; problems: Problem[]; standIns: string[] } {
  const asWritten = readOrgAsWritten(root);
  if (asWritten) return { ...asWritten, standIns: [] };
  const result = new OrgLoader(root, { takesKept: false }).load();
  return { org: result.org, problems: result.problems, standIns: result.standIns };
}
