import { listHistory } from '../../history/read-history.js';
import { entrySubject, type HistoryEntry } from '../../history/history-entry.js';
import { historyPlace } from '../../history/history-paths.js';
import { requireOrgRoot } from '../../org/must-exist.js';
import type { Output } from '../cli-context.js';

/**
 * `lemming history`: every entry of the org's history, oldest first: each turn with what changed in it
 * (messages by sender, credits, files, proposals decided), hand edits between turns, a fork's start.
 */
export function historyCommand(root: string, options: { json?: boolean }, output: Output): number {
  requireOrgRoot(root);
  const entries = listHistory(root);
  if (options.json) {
    output.out(JSON.stringify({ store: historyPlace(root).gitDir, entries }, null, 2));
    return 0;
  }
  for (const entry of entries) output.out(historyLine(entry));
  output.out(`${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} in ${historyPlace(root).gitDir}: \`lemming show --at N PATH\` prints a file as it was after turn N, \`lemming fork --at N\` makes the org of then again`);
  return 0;
}

/** `a1b2c3d  2026-11-24 14:50  turn 3: 2 message(s) (manager 2), 0.0012 credits, 7 file(s) changed` */
export function historyLine(entry: HistoryEntry): string {
  const when = entry.recorded.slice(0, 16).replace('T', ' ');
  const note = entry.note ? `  (${entry.note})` : '';
  return `${entry.commit.slice(0, 7)}  ${when}  ${entrySubject(entry)}${note}`;
}
