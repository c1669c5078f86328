import { fromWorkingFolder } from '../../invocation.js';
import { diffTurns, parseTurnRange } from '../../diff/diff-turns.js';
import { orgAtTurnWriter, type WriteOrgAtTurn } from '../../diff/org-at-turn.js';
import { diff as diffOrgs } from '../../library/compare.js';
import { renderDiff } from '../../diff/render-diff.js';
import { EXIT, LemmingError } from '../../errors.js';
import type { Output } from '../cli-context.js';
import { report } from '../execute.js';

/** `lemming diff`'s options, as given on the command line. */
export interface DiffOptions {
  json?: boolean;
  /** Compare messages' `created:` times too. */
  created?: boolean;
  /** `3..7`: one org at two turns of its history. */
  turns?: string;
}

/** What `lemming diff` exits with: like diff(1). */
export const DIFF_EXIT = { equal: 0, different: 1, error: 2 } as const;

/**
 * `lemming diff A B`: compare two org folders (two experiment runs, an org and its fork), or with
 * `--turns 3..7` one org at two turns. Prints a summary then a section per kind of difference, or
 * the whole comparison as JSON. Exits 0 when they are equal, 1 when they differ, 2 on an error
 * (a folder that is not an org, a bad range): every error, so that 1 always means "different".
 * `orgRoot` is the org `--turns` reads when no folder is given.
 */
export async function diffCommand(
  folders: readonly string[],
  orgRoot: () => string,
  options: DiffOptions,
  output: Output,
  writeOrgAtTurn: WriteOrgAtTurn | undefined = orgAtTurnWriter(),
): Promise<number> {
  try {
    const comparison = { created: options.created ?? false };
    let diff;
    if (options.turns !== undefined) {
      if (folders.length > 1) throw new LemmingError('usage', `--turns compares one org at two turns: give one folder (or --root), not ${folders.length}`, { exitCode: EXIT.usage });
      const range = parseTurnRange(options.turns);
      const root = folders[0] === undefined ? orgRoot() : fromWorkingFolder(folders[0]);
      diff = await diffTurns(root, range, comparison, writeOrgAtTurn);
    } else {
      const [first, second] = folders;
      if (first === undefined || second === undefined) {
        throw new LemmingError('usage', 'lemming diff takes two org folders, like `lemming diff experiments/study/baseline-r1 experiments/study/no-planner-r1`, or one org and --turns 3..7', { exitCode: EXIT.usage });
      }
      diff = diffOrgs(first, second, comparison);
    }
    if (options.json) output.out(JSON.stringify(diff, null, 2));
    else for (const line of renderDiff(diff)) output.out(line);
    return diff.equal ? DIFF_EXIT.equal : DIFF_EXIT.different;
  } catch (error) {
    report(error, output);
    return DIFF_EXIT.error;
  }
}
