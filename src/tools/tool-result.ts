/** What a tool gives back to the model: text, and whether it is an error the model should read as one. */
export interface ToolResult {
  content: string;
  isError: boolean;
}

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
