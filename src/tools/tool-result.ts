/** What a tool gives back to the model: text, and whether it is an error the model should read as one. */
export interface ToolResult {
  content: string;
  isError: boolean;
}

/**
 * Whether a value read back from where others can write (a worker's answer in Redis, the tools tape) is a
 * tool result: a text `content` and a true or false `isError`. Pure.
 */
export function isToolResult(value: unknown): value is ToolResult {
  const result = value as Partial<Record<keyof ToolResult, unknown>> | null | undefined;
  return typeof result === 'object' && result !== null && typeof result.content === 'string' && typeof result.isError === 'boolean';
}

/** What a recorded tool result that is none is told by (the tools tape): a valid one's shape. */
export const RESULT_RULE = 'holds no tool result (a text `content` and a true or false `isError`)';

/** A result that is an error the model sees (and the log records); never a crash of the turn. */
export function toolError(content: string): ToolResult {
  return { content, isError: true };
}

/** A successful result. */
export function toolOk(content: string): ToolResult {
  return { content, isError: false };
}

/** The most characters of one tool result sent back to the model; the rest is cut, and the result says so. */
export const MAX_RESULT_CHARS = 50_000;

/** Cut a result to `limit` characters, saying how much was left out and why. */
export function capResult(result: ToolResult, limit = MAX_RESULT_CHARS): ToolResult {
  if (result.content.length <= limit) return result;
  const left = result.content.length - limit;
  return { ...result, content: `${result.content.slice(0, limit)}\n[lemming: ${left} more characters were cut; a tool result is capped at ${limit} characters]` };
}
