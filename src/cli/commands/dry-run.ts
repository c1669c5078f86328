import { dryRun } from '../../dry-run/dry-run.js';
import { formatCount, plural, showCredits } from '../../format/format.js';
import type { Output } from '../cli-context.js';
import { table } from './status.js';

/**
 * `lemming run --dry-run [--turns N]`: who the next turn (or N turns) would call, on which model,
 * how large each prompt is and what it would cost, from a scratch copy of the org; nothing under
 * the root changes and no model is called.
 */
export async function dryRunCommand(root: string, options: { turns?: number; json?: boolean }, output: Output): Promise<number> {
  const plan = await dryRun(root, options.turns ?? 1);
  if (options.json) {
    output.out(JSON.stringify(plan, null, 2));
    return 0;
  }
  output.out(`dry run from turn ${plan.fromTurn}: nothing under ${root} changes and no model is called`);
  if (plan.turns.length === 0) {
    output.out('the next turn would call nobody: no agent has unread mail or a schedule that wakes it');
    return 0;
  }
  for (const turn of plan.turns) {
    output.out(`turn ${turn.turn}: ${plural(turn.calls.length, 'call')}, ${showCredits(turn.credits)} credits`);
    const rows = turn.calls.map((call) => [
      call.agent,
      `${call.model} (${call.provider})`,
      `${call.reason}${call.reason === 'mail' ? ` ×${call.inbox}` : ''}`,
      formatCount(call.promptTokens),
      `${formatCount(call.inputTokens)} in, ${formatCount(call.outputTokens)} out`,
      showCredits(call.credits),
    ]);
    if (rows.length > 0) output.out(table([['  agent', 'model', 'why', 'prompt tokens', 'charged tokens', 'credits'], ...rows.map((row) => [`  ${row[0]}`, ...row.slice(1)])]).join('\n'));
    for (const skipped of turn.skipped) output.out(`  ${skipped.agent} skipped: ${skipped.reason}`);
  }
  const { totals } = plan;
  const ending = plan.ended === 'idle' ? 'then the org would be idle' : plan.ended === 'held' ? 'then only mail a limit holds would be left' : plan.ended === 'turn-cap' ? 'and more turns would follow' : `then it stops (${plan.ended})`;
  output.out(`estimate: ${plural(plan.turns.length, 'turn')}, ${plural(totals.calls, 'call')}, ${formatCount(totals.inputTokens)} input + ${formatCount(totals.outputTokens)} output tokens, ${showCredits(totals.credits)} credits; ${ending}`);
  if (plan.estimatedModels.length > 0) {
    output.out(`${plan.estimatedModels.join(', ')}: priced at their own rates, with answers as long as the offline model's; real answers may be longer or shorter`);
  }
  return 0;
}
