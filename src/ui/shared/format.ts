import { formatCount } from './numbers.js';

export { formatCount, formatInputTokens, showCredits } from './numbers.js';

/** `1 turn`, `2 turns`: the formatted count with the singular or plural noun. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

const FINISH_REASONS = {
  idle: 'the org is idle: nobody has unread mail',
  'turn-cap': 'reached the turn cap',
  stopped: 'stopped; the next `lemming run` picks up where this one left off',
  'models-failing': 'nothing left to do but mail for agents whose models keep failing',
} as const;

/** How a run ended, in words; an idle org whose waiting mail belongs to agents out of credits says so. */
export function finishReason(finished: { reason: keyof typeof FINISH_REASONS; stranded?: readonly string[]; failing?: readonly string[] }): string {
  if (finished.reason === 'models-failing') return `${FINISH_REASONS['models-failing']}: ${finished.failing?.join(', ') ?? ''} (\`lemming retry <agent>\`)`;
  if (finished.reason === 'idle' && (finished.stranded?.length ?? 0) > 0) return 'the org is idle: no agent that can pay for a call has unread mail';
  if (finished.reason === 'turn-cap' && (finished.failing?.length ?? 0) > 0) {
    return `${FINISH_REASONS['turn-cap']}; mail waits for agents whose models keep failing: ${finished.failing?.join(', ') ?? ''} (\`lemming retry <agent>\`)`;
  }
  return FINISH_REASONS[finished.reason];
}

/** A step's tools in one line: `read_file {"path":"a.md"} → 120 chars; write_file … → error: …`. Pure. */
export function formatStepTools(tools: ReadonlyArray<{ name: string; args: string; size?: number; error?: string; proposal?: string }>): string {
  if (tools.length === 0) return 'answered';
  return tools
    .map((tool) => {
      const outcome = tool.error !== undefined ? `error: ${tool.error.split('\n')[0]}` : tool.proposal ? `proposal ${tool.proposal}` : `${tool.size ?? 0} chars`;
      return `${tool.name} ${tool.args} → ${outcome}`;
    })
    .join('; ');
}
