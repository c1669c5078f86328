import type { ChatTurn, ToolCall } from '../../providers/provider.js';
import type { ToolResult } from '../../tools/tool-result.js';

/** One tool call of a step and its result, as the next prompt shows them. */
export interface RanTool {
  call: ToolCall;
  result: ToolResult;
}

/** Characters the markup around each result takes in the prompt (`<tool_result name=… call=…>`), with room to spare. */
const RESULT_FRAME_CHARS = 160;
/** Characters the step's closing words and the model's own text frame take (see step-conversation.ts). */
const STEP_FRAME_CHARS = 400;
/** Below this many characters of result apiece, a cut result says too little to be worth a step. */
const MIN_SHARE_CHARS = 200;

function field(call: ToolCall, name: string): unknown {
  const args = call.arguments;
  return args !== null && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>)[name] : undefined;
}

/** How to read on from where a cut result of read_file stops: the same file from the next line. */
function readOn(call: ToolCall, shown: string): string {
  const path = field(call, 'path');
  if (call.name !== 'read_file' || typeof path !== 'string') return '';
  const start = field(call, 'start_line');
  const first = typeof start === 'number' && Number.isInteger(start) && start > 0 ? start : 1;
  const next = first + (shown.match(/\n/g)?.length ?? 0);
  return `; read on with read_file ${JSON.stringify({ path, start_line: next })}`;
}

function cut(tool: RanTool, share: number): RanTool {
  const { content } = tool.result;
  if (content.length <= share) return tool;
  // The note is part of the share: what the model reads of the result never passes it.
  const probe = `\n[lemming: cut to fit your context window: ${content.length} of ${content.length} characters shown${readOn(tool.call, content)}]`;
  const kept = content.slice(0, Math.max(0, share - probe.length));
  const note = `\n[lemming: cut to fit your context window: ${kept.length} of ${content.length} characters shown${readOn(tool.call, kept)}]`;
  return { call: tool.call, result: { ...tool.result, content: kept + note } };
}

/**
 * The step's results as they fit in what the model's context window has left (`room`, in
 * characters, as lemming estimates them with what the server counts): unchanged when they fit;
 * otherwise the longest are cut first, each to an equal share of the room, and each cut one says
 * how much of it was shown and, for read_file, how to read the rest. When even that leaves a
 * result too little to be useful, the results do not fit: the loop ends there. Pure.
 */
export function fitResults(ran: readonly RanTool[], said: string, room: number): { ran: RanTool[]; cut: number } | { tooLarge: true } {
  const frame = STEP_FRAME_CHARS + said.length + ran.length * RESULT_FRAME_CHARS;
  let left = room - frame;
  const total = ran.reduce((sum, tool) => sum + tool.result.content.length, 0);
  if (total <= left) return { ran: [...ran], cut: 0 };
  if (left < MIN_SHARE_CHARS * ran.length) return { tooLarge: true };
  // Equal shares, the shorter results keeping all of theirs and leaving the rest to the longer ones.
  const order = ran.map((tool, index) => ({ index, length: tool.result.content.length })).sort((a, b) => a.length - b.length);
  const shares = new Map<number, number>();
  order.forEach(({ index, length }, position) => {
    const share = Math.floor(left / (order.length - position));
    shares.set(index, Math.min(length, share));
    left -= Math.min(length, share);
  });
  const fitted = ran.map((tool, index) => cut(tool, shares.get(index) ?? 0));
  return { ran: fitted, cut: fitted.filter((tool, index) => tool !== ran[index]).length };
}

/** Characters of result apiece the older mail is cut to make room for: enough to be worth a step. */
const MAIL_MAKES_ROOM_CHARS = 1_000;
/** The mail a cut keeps at least: its opening line and the start of its first message. */
const MAIL_KEPT_CHARS = 400;

/**
 * The conversation with its older mail (the first prompt's, which the model read in the first step)
 * cut to make room for a step's results that do not fit what the window has left even cut (`room`
 * characters): its start kept, saying how much was kept and why, so the results get
 * MAIL_MAKES_ROOM_CHARS apiece beside their frame. The agent's own part (the system prompt, the tools)
 * is never cut. Undefined when the mail is too short to give that much. Pure.
 */
export function cutOlderMail(messages: readonly ChatTurn[], ran: readonly RanTool[], said: string, room: number): { messages: ChatTurn[]; room: number } | undefined {
  const mail = messages[0];
  if (!mail || mail.role !== 'user') return undefined;
  const wanted = STEP_FRAME_CHARS + said.length + ran.length * (RESULT_FRAME_CHARS + MAIL_MAKES_ROOM_CHARS) - room;
  const probe = `\n[lemming: cut to make room for your tool results: ${mail.content.length} of ${mail.content.length} characters of the mail you read in step 1 kept]`;
  const keep = mail.content.length - wanted - probe.length;
  if (wanted <= 0 || keep < MAIL_KEPT_CHARS) return undefined;
  const kept = mail.content.slice(0, keep);
  const note = `\n[lemming: cut to make room for your tool results: ${kept.length} of ${mail.content.length} characters of the mail you read in step 1 kept]`;
  return { messages: [{ role: 'user', content: kept + note }, ...messages.slice(1)], room: room + mail.content.length - kept.length - note.length };
}
