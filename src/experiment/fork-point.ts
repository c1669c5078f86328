import type { Problem } from '../errors.js';
import { EXIT, LemmingError } from '../errors.js';

/**
 * A counterfactual experiment's starting point: `base: runs/baseline-r1@7` in the file. Every run
 * is a fork of the base org as it was after turn 7 (history/fork-org.ts), so the runs share turns
 * 1 to 7 byte for byte, none of them runs those turns again (no model is called, nothing is
 * charged twice), and they differ only in what each variant changes after it.
 */
export interface ForkPoint {
  /** The base's turn the runs are forked after: each run's first turn is `turn + 1`. */
  turn: number;
  /** `base:` as the file writes it, for messages. */
  written: string;
  /** The line of `base:` in the file. */
  line?: number;
  /** No `seed:` or `variability:` in the file: the runs keep the models' seeds the base had, so a variant that changes nothing goes on as the base did. */
  keepSeeds: boolean;
}

/** The tail of `base:` that names a turn: `@` and what follows, up to the end, with no `/` in it. */
const TURN_TAIL = /@([^/@]*)$/;

/**
 * `base:` split into the org's path and the turn it names, if any. Pure. A tail that is not a
 * whole number is a problem (a folder whose name holds `@` is written with a trailing `/`).
 */
export function splitBase(written: string): { path: string; turn?: number } | { problem: string } {
  const tail = TURN_TAIL.exec(written);
  if (!tail) return { path: written };
  const path = written.slice(0, tail.index);
  const turn = tail[1] ?? '';
  if (!/^\d{1,9}$/.test(turn) || path === '') {
    const example = path === '' ? 'runs/baseline-r1@7' : `${path}@7`;
    return { problem: `${JSON.stringify(written)}: after "@" comes the base org's turn to fork from, a whole number (for example \`${example}\`); a folder whose name holds "@" is written with a trailing "/"` };
  }
  return { path, turn: Number(turn) };
}

/**
 * What a variant may not do from a fork point: change a turn the runs share. An intervention or a
 * survey question due at or before the fork turn would have had to happen in the base's run. Pure.
 */
export function forkProblems(
  file: string,
  fork: ForkPoint,
  variants: ReadonlyArray<{ name: string; interventions?: ReadonlyArray<{ turn: number }> | undefined }>,
  survey: ReadonlyArray<{ after_turn?: number | undefined }> | undefined,
  lineOf: (path: ReadonlyArray<string | number>) => number | undefined,
): Problem[] {
  const found: Problem[] = [];
  const shared = `the runs start from ${fork.written}, so turns 1 to ${fork.turn} are the base's and shared by every run`;
  variants.forEach((variant, index) => {
    (variant.interventions ?? []).forEach((intervention, at) => {
      if (intervention.turn > fork.turn) return;
      const line = lineOf(['variants', index, 'interventions', at, 'turn']);
      found.push({
        file,
        field: `variants.${index}.interventions.${at}.turn`,
        message: `variant ${JSON.stringify(variant.name)}: turn ${intervention.turn} is at or before the fork point: ${shared}; give a turn after it, for example \`turn: ${fork.turn + 1}\``,
        severity: 'error',
        ...(line ? { line } : {}),
      });
    });
  });
  (survey ?? []).forEach((item, index) => {
    if (item.after_turn === undefined || item.after_turn > fork.turn) return;
    const line = lineOf(['survey', index, 'after_turn']);
    found.push({
      file,
      field: `survey.${index}.after_turn`,
      message: `${item.after_turn} is at or before the fork point: ${shared}; give a turn after it, for example \`after_turn: ${fork.turn + 1}\`, or leave it out to ask when the run ends`,
      severity: 'error',
      ...(line ? { line } : {}),
    });
  });
  return found;
}

/**
 * Stop before any run when the base cannot be forked at the turn: it keeps no history, or its
 * history does not hold the turn. The error names the file, the field and what to do.
 */
export async function requireForkPoint(file: string, base: string, fork: ForkPoint): Promise<void> {
  const { entryOfTurn, listHistory } = await import('../history/read-history.js');
  const where = `${file}${fork.line ? `:${fork.line}` : ''}: base: ${JSON.stringify(fork.written)}`;
  try {
    entryOfTurn(base, fork.turn);
  } catch (error) {
    if (!(error instanceof LemmingError)) throw error;
    if (error.code === 'no-history') {
      throw new LemmingError(
        'experiment-invalid',
        `${where}: the org at ${base} keeps no history, so it cannot be forked after turn ${fork.turn}; set \`history: { keep: true }\` in its org/org.yaml and run it again (each turn from then on is kept), or give \`base:\` without "@${fork.turn}" to start from its definition`,
        { exitCode: EXIT.usage, cause: error },
      );
    }
    if (error.code === 'unknown-turn') {
      const turns = listHistory(base).filter((entry) => entry.kind !== 'edits').map((entry) => entry.turn);
      const last = turns.length === 0 ? 0 : Math.max(...turns);
      const path = fork.written.slice(0, fork.written.lastIndexOf('@'));
      throw new LemmingError('experiment-invalid', `${where}: ${error.message}; give a turn it holds, for example \`base: ${path}@${last}\``, { exitCode: EXIT.usage, cause: error });
    }
    throw new LemmingError('experiment-invalid', `${where}: ${error.message}`, { exitCode: EXIT.usage, cause: error });
  }
}

/** Write the base as it was after the fork turn into a run's (empty or absent) folder, as `lemming fork` does. */
export async function forkForRun(base: string, fork: ForkPoint, root: string): Promise<void> {
  const { forkOrg } = await import('../history/fork-org.js');
  await forkOrg(base, fork.turn, root);
}
