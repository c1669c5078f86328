import { fromWorkingFolder } from '../invocation.js';
import { historyListing, type HistoryListing } from '../history/read-history.js';
import { requireOrgRoot } from '../org/must-exist.js';

/**
 * The org's history, as `lemming history --json` prints it: where it is kept, and every entry,
 * oldest first (each turn with what changed in it, hand edits between turns, a fork's start).
 * Throws a LemmingError when the org keeps none (`history: { keep: true }` in org.yaml).
 */
export function history(root: string): HistoryListing {
  const folder = fromWorkingFolder(root);
  requireOrgRoot(folder);
  return historyListing(folder);
}
