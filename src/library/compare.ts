import { compareOrgs } from '../diff/compare-orgs.js';
import type { OrgDiff } from '../diff/org-diff.js';
import { readOrgSnapshot } from '../diff/org-snapshot.js';
import { fromWorkingFolder } from '../invocation.js';

/** Options of `diff`. */
export interface DiffOptions {
  /** Compare messages by their `created` time too (default: by what they say). */
  created?: boolean;
}

/**
 * Compare two org folders (two experiment runs, an org and its fork): their messages, credits,
 * agents and files. `equal` says whether they match; `renderDiff` words the result as
 * `lemming diff` prints it.
 */
export function diff(a: string, b: string, options: DiffOptions = {}): OrgDiff {
  return compareOrgs(readOrgSnapshot(fromWorkingFolder(a)), readOrgSnapshot(fromWorkingFolder(b)), { created: options.created ?? false }, { a, b });
}
