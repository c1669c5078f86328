import { createInterface } from 'node:readline/promises';
import { EXIT, LemmingError } from '../../errors.js';
import { acquireLock } from '../../engine/record/lock.js';
import { historyListing, listHistory, waitingEntries } from '../../history/read-history.js';
import { entrySubject, type HistoryEntry } from '../../history/history-entry.js';
import { historyPlace } from '../../history/history-paths.js';
import { planPrune, pruneHistory, type PrunePlan } from '../../history/prune-history.js';
import { requireOrgRoot } from '../../org/must-exist.js';
import { terminalText } from '../../terminal-text/terminal-text.js';
import { showSize } from '../../format/format.js';
import { commandIo, type Output } from '../cli-context.js';

/**
 * `lemming history`: every entry of the org's history, oldest first: each turn with what changed in it
 * (messages by sender, credits, files, proposals decided), hand edits between turns, a fork's start.
 * With `--prune-before N`: the entries before turn N dropped for good (asked first unless `--yes`).
 */
export async function historyCommand(root: string, options: { json?: boolean; pruneBefore?: number; yes?: boolean }, output: Output): Promise<number> {
  requireOrgRoot(root);
  if (options.pruneBefore !== undefined) return pruneCommand(root, options.pruneBefore, options.yes === true, output);
  if (options.json) {
    output.out(JSON.stringify(historyListing(root), null, 2));
    return 0;
  }
  const entries = listHistory(root);
  for (const entry of entries) output.out(historyLine(entry));
  output.out(`${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} in ${historyPlace(root).gitDir}: \`lemming show --at N PATH\` prints a file as it was after turn N, \`lemming fork --at N\` makes the org of then again`);
  const waiting = waitingEntries(root);
  if (waiting) output.out(`Not in it yet: ${waiting}.`);
  return 0;
}

/** `a1b2c3d  2026-11-24 14:50  turn 3: 2 message(s) (manager 2), 0.0012 credits, 7 file(s) changed` */
export function historyLine(entry: HistoryEntry): string {
  const when = entry.recorded.slice(0, 16).replace('T', ' ');
  const note = entry.note ? `  (${entry.note})` : '';
  return `${entry.commit.slice(0, 7)}  ${when}  ${entrySubject(entry)}${note}`;
}

/**
 * `lemming history --prune-before N [--yes]`: under the org's lock (a run going on refuses it), the
 * range checked, what is lost said plainly and asked about (as `reset` asks), then pruned.
 */
async function pruneCommand(root: string, before: number, yes: boolean, output: Output): Promise<number> {
  const lock = acquireLock(root, `history --prune-before ${before}`);
  try {
    const plan = planPrune(root, before);
    if (!yes) {
      if (!commandIo().stdin.isTTY) {
        throw new LemmingError('needs-confirmation', `--prune-before ${before} would drop ${lostText(plan)} for good; run it in a terminal to confirm, or pass --yes`, { exitCode: EXIT.usage });
      }
      const prompt = createInterface({ input: commandIo().stdin, output: process.stdout });
      const answer = await prompt.question(terminalText(`Drop ${lostText(plan)} from the history of ${root} for good? The org's files stay. [y/N] `));
      prompt.close();
      if (!/^y(es)?$/i.test(answer.trim())) {
        output.out('nothing was dropped');
        return 1;
      }
    }
    const report = pruneHistory(root, plan);
    output.out(
      `pruned the history before turn ${before}: ${lostText(report)} can no longer be shown, forked or diffed (${report.dropped.length} entr${report.dropped.length === 1 ? 'y' : 'ies'} dropped); ` +
        `the org's files and the ${report.kept.length} entr${report.kept.length === 1 ? 'y' : 'ies'} from turn ${before} on are unchanged (the same files and summaries, under new commit ids)`,
    );
    output.out(`${historyPlace(root).gitDir}: ${showSize(report.sizeBefore)} before, ${showSize(report.sizeAfter)} after`);
    return 0;
  } finally {
    lock.release();
  }
}

/** `turns 0 to 6`, or `turn 0`. Pure. */
function lostText(plan: PrunePlan): string {
  const { first, last } = plan.droppedTurns;
  return first === last ? `turn ${first}` : `turns ${first} to ${last}`;
}
