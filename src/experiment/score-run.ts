import { recordCharges } from './experiment-ledger.js';
import type { Variant } from './experiment-file.js';
import { judgeRun, type JudgeResult } from './judge.js';
import { runChecks, type CheckResult } from './run-checks.js';

/** How a run was scored: its seed, what its checks said, and its judge's verdict. */
export interface RunOutcome {
  seed: number;
  checks: CheckResult[];
  judge?: JudgeResult;
}

/**
 * Score a finished run: the variant's checks, then its judge, whose charge goes on the
 * experiment's own ledger (`experiments/<name>/ledger.jsonl`, each line naming its run).
 */
export async function scoreRun(folder: string, run: string, root: string, variant: Variant, seed: number, lastTurn: number): Promise<RunOutcome> {
  const checks = await runChecks(root, variant.outcome.checks);
  const judge = variant.outcome.judge ? await judgeRun(root, variant.outcome.judge, variant.messages, lastTurn, () => new Date()) : undefined;
  if (judge?.charge) recordCharges(folder, run, 'judge', [judge.charge]);
  return { seed, checks, ...(judge ? { judge } : {}) };
}
