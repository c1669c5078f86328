import { compareOrgs } from '../diff/compare-orgs.js';
import { diffTurns as diffOrgTurns } from '../diff/diff-turns.js';
import { orgAtTurnWriter } from '../diff/org-at-turn.js';
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

/**
 * Compare one org with itself after two turns of its history (`lemming diff --turns FROM..TO`): the
 * org after `from` is A, after `to` is B. Needs the org's history (docs/history.md).
 */
export async function diffTurns(root: string, from: number, to: number, options: DiffOptions = {}): Promise<OrgDiff> {
  return diffOrgTurns(fromWorkingFolder(root), { from, to }, { created: options.created ?? false }, orgAtTurnWriter());
}
