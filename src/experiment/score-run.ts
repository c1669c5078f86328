import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendText } from '../storage/write-bytes.js';
import type { Variant } from './experiment-file.js';
import { judgeRun, type JudgeResult } from './judge.js';
import { runChecks, type CheckResult } from './run-checks.js';

/** How a run was scored: its seed, what its checks said, and its judge's verdict. */
export interface RunOutcome {
  seed: number;
  checks: CheckResult[];
  judge?: JudgeResult;
}

/** The experiment's own ledger: what scoring its runs cost (judges' calls), one charge a line, never an agent's. */
export const EXPERIMENT_LEDGER = 'ledger.jsonl';

/** Whether the experiment's ledger has the judge's charge for `run` already (a run scored before a kill is not charged twice). */
function chargedAlready(ledger: string, run: string): boolean {
  if (!existsSync(ledger)) return false;
  return readFileSync(ledger, 'utf8')
    .split('\n')
    .some((line) => {
      try {
        return (JSON.parse(line) as { run?: string }).run === run;
      } catch {
        return false;
      }
    });
}

/**
 * Score a finished run: the variant's checks, then its judge, whose charge goes on the
 * experiment's own ledger (`experiments/<name>/ledger.jsonl`, each line naming its run).
 */
export async function scoreRun(folder: string, run: string, root: string, variant: Variant, seed: number, lastTurn: number): Promise<RunOutcome> {
  const checks = await runChecks(root, variant.outcome.checks);
  const judge = variant.outcome.judge ? await judgeRun(root, variant.outcome.judge, variant.messages, lastTurn, () => new Date()) : undefined;
  if (judge?.charge) {
    const ledger = join(folder, EXPERIMENT_LEDGER);
    if (!chargedAlready(ledger, run)) appendText(ledger, `${JSON.stringify({ ...judge.charge, run, purpose: 'judge' })}\n`);
  }
  return { seed, checks, ...(judge ? { judge } : {}) };
}
