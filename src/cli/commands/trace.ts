import { listTraceTurns, readCallTrace, type CallTrace } from '../../engine/record/call-trace.js';
import { EXIT, LemmingError } from '../../errors.js';
import { loadOrg } from '../../org/load-org-once.js';
import { requireAgent } from '../../org/must-exist.js';
import type { Output } from '../cli-context.js';
import { formatInputTokens } from '../../format/format.js';

function answerLines(response: CallTrace['response'], heading: string): string[] {
  const lines = [`-- ${heading} (from ${response.modelKey}; ${formatInputTokens(response.usage)}, ${response.usage.outputTokens} out${response.usage.estimated ? ', estimated' : ''})`];
  if (response.text !== '') lines.push(response.text);
  for (const call of response.toolCalls) lines.push(`tool call ${call.name} ${typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments)}`);
  return lines;
}

/**
 * A trace as a person reads it: the system prompt, each message, the tools offered, then the answer
 * as given. With tools, step by step: what the model saw new at each step (at first its inbox, then its
 * own calls and the tools' results) and what it answered then.
 */
export function formatTrace(trace: CallTrace): string[] {
  const head = [`== ${trace.agent}, turn ${trace.turn}, ${trace.modelKey} (${trace.model}), answered ${trace.at}`, '-- system', trace.request.system];
  const inPrompt = trace.request.toolsInPrompt;
  const offered = trace.request.tools.map((tool) => tool.name).join(', ') || 'none';
  const tools = `-- tools offered: ${inPrompt && inPrompt.length > 0 ? `none (described in the prompt as action blocks: ${inPrompt.join(', ')})` : offered}`;
  const messages = (from: number, to: number): string[] => trace.request.messages.slice(from, to).flatMap((message) => [`-- ${message.role}`, message.content]);
  if (!trace.steps) return [...head, ...messages(0, trace.request.messages.length), tools, ...answerLines(trace.response, 'answer')];
  const lines = [...head, tools];
  let seen = 0;
  for (const step of trace.steps) {
    lines.push(`== step ${step.step} of ${trace.steps.length}, answered ${step.at}: the model saw ${seen === 0 ? 'the system prompt and' : 'all of the above and'}`, ...messages(seen, step.messages));
    lines.push(...answerLines(step.response, `answer at step ${step.step}`));
    seen = step.messages;
  }
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
    throw new LemmingError('not-found', `${agent} has no call trace${options.turn === undefined ? '' : ` for turn ${options.turn}`} (kept: ${kept}; org.yaml engine.traces.keep sets how many)`, {
      // A turn the person named that holds no trace names nothing (exit 2); an agent with no trace yet has nothing to show (exit 1).
      exitCode: options.turn === undefined ? EXIT.failed : EXIT.usage,
    });
  }
  if (options.json) output.out(JSON.stringify(trace, null, 2));
  else for (const line of formatTrace(trace)) output.out(line);
  return 0;
}

/**
 * `lemming trace --otlp URL [agent] [--turn N]`: the org's finished turns, from the agents' activity
 * logs, sent as OpenTelemetry traces (one per turn). OpenTelemetry is loaded only here.
 */
export async function sendTracesCommand(root: string, endpoint: string, filter: { agent?: string; turn?: number }, output: Output): Promise<number> {
  const { org } = loadOrg(root);
  if (filter.agent !== undefined) requireAgent(org, filter.agent);
  const { sendLoggedTurns } = await import('../../telemetry/send-logged-turns.js');
  const { tracesUrl } = await import('../../telemetry/otlp-endpoint.js');
  const turns = await sendLoggedTurns(root, org, endpoint, filter);
  output.out(`sent ${turns.length} turn(s) as traces to ${tracesUrl(endpoint)} (turns ${turns[0]} to ${turns.at(-1)})`);
  return 0;
}
