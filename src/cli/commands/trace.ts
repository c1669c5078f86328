import { listTraceTurns, readCallTrace, type CallTrace } from '../../engine/record/call-trace.js';
import { LemmingError } from '../../errors.js';
import { loadOrg } from '../../org/load-org.js';
import { requireAgent } from '../../org/must-exist.js';
import type { Output } from '../cli-context.js';

/** A trace as a person reads it: the system prompt, each message, the tools offered, then the answer as given. */
export function formatTrace(trace: CallTrace): string[] {
  const lines = [`== ${trace.agent}, turn ${trace.turn}, ${trace.modelKey} (${trace.model}), answered ${trace.at}`, '-- system', trace.request.system];
  for (const message of trace.request.messages) lines.push(`-- ${message.role}`, message.content);
  lines.push(`-- tools offered: ${trace.request.tools.map((tool) => tool.name).join(', ') || 'none'}`);
  lines.push(`-- answer (from ${trace.response.modelKey}; ${trace.response.usage.inputTokens} in, ${trace.response.usage.outputTokens} out${trace.response.usage.estimated ? ', estimated' : ''})`);
  if (trace.response.text !== '') lines.push(trace.response.text);
  for (const call of trace.response.toolCalls) lines.push(`tool call ${call.name} ${typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments)}`);
  return lines;
}

/**
 * `lemming trace <agent> [--turn N]`: what the agent was shown and what it answered, from
 * `agents/<name>/logs/traces/` (the last call, or turn N's). Throws LemmingError when there is none.
 */
export function traceCommand(root: string, agent: string, options: { turn?: number; json?: boolean }, output: Output): number {
  const { org } = loadOrg(root);
  requireAgent(org, agent);
  const turns = listTraceTurns(root, agent);
  const turn = options.turn ?? turns.at(-1);
  const trace = turn === undefined ? undefined : readCallTrace(root, agent, turn);
  if (!trace) {
    const kept = turns.length === 0 ? 'none yet' : `turns ${turns.join(', ')}`;
    throw new LemmingError('not-found', `${agent} has no call trace${options.turn === undefined ? '' : ` for turn ${options.turn}`} (kept: ${kept}; org.yaml engine.traces.keep sets how many)`);
  }
  if (options.json) output.out(JSON.stringify(trace, null, 2));
  else for (const line of formatTrace(trace)) output.out(line);
  return 0;
}
