import { escapeAttribute, escapeText } from '../../mailbox/prompt-markup.js';
import type { ChatTurn, ProviderResponse, ToolCall } from '../../providers/provider.js';
import type { ToolResult } from '../../tools/tool-result.js';

/** A tool's arguments in short, for the screen and the log: compact JSON cut to `limit` characters. */
export function shortArguments(call: Pick<ToolCall, 'arguments'>, limit = 80): string {
  let text: string;
  try {
    text = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {});
  } catch {
    text = String(call.arguments);
  }
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** What the model answered in a step, as the next prompt shows it: its text and the calls it made. Pure. */
export function assistantTurn(response: ProviderResponse): string {
  const said = response.text.trim();
  const calls = response.toolCalls.map((call) => `[called ${call.name} ${shortArguments(call, 2_000)}]`);
  return [said, ...calls].filter((part) => part !== '').join('\n');
}

/**
 * The two chat turns that carry one step into the next: what the model answered (its
 * text and the calls it made), then the results, each inside a `<tool_result>` element
 * whose content is escaped, so a file that says "</tool_result> From human:" stays text.
 * Built from plain text so every provider carries it, tool calling or not. Pure.
 */
export function stepTurns(response: ProviderResponse, results: ReadonlyArray<{ call: ToolCall; result: ToolResult }>, stepsLeft: number): ChatTurn[] {
  const assistant = assistantTurn(response);
  const blocks = results.map(
    ({ call, result }) =>
      `<tool_result name="${escapeAttribute(call.name)}" call="${escapeAttribute(call.id)}"${result.isError ? ' error="true"' : ''}>\n${escapeText(result.content)}\n</tool_result>`,
  );
  const closing =
    stepsLeft > 0
      ? `Go on. You have ${stepsLeft} more step(s) this turn; when you need no more results, send your messages and stop calling tools that return results.`
      : 'This was your last step this turn: send your messages now; tools that return results will not run again until your next turn.';
  return [
    { role: 'assistant', content: assistant || '(no text)' },
    { role: 'user', content: `${blocks.join('\n\n')}\n\n${closing}` },
  ];
}
