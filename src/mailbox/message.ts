/** Message priorities, lowest first; a message that gives none is `normal`. */
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Where a priority comes in an inbox: urgent first, low last. */
export const PRIORITY_RANK: Readonly<Record<Priority, number>> = { urgent: 0, high: 1, normal: 2, low: 3 };

/**
 * Mail in the order an inbox shows it: higher priority first, and within a priority in the
 * order given (arrival), so a cap on what is shown keeps the most urgent mail in. Pure; a new list.
 */
export function byPriority<T extends { priority: Priority }>(items: readonly T[]): T[] {
  return [...items].sort((left, right) => PRIORITY_RANK[left.priority] - PRIORITY_RANK[right.priority]);
}

/** Token usage of the model call that wrote a message, and what it cost. */
export interface MessageUsage {
  /** Every prompt token, the cached ones included. */
  inputTokens: number;
  outputTokens: number;
  /** Of inputTokens, those the vendor's prompt cache served; absent when none. */
  cachedInputTokens?: number;
  /** Of inputTokens, those written to the vendor's prompt cache; absent when none. */
  cacheWriteTokens?: number;
  credits: number;
  /** True when the provider reported no usage and lemming's estimate was used. */
  estimated?: boolean;
}

/** One message: a markdown file with YAML front matter in its sender's outbox. */
export interface Message {
  id: string;
  /** The agent whose outbox holds the file, whatever the file's front matter says. */
  from: string;
  to: string;
  turn: number;
  /** ISO 8601 time the message was written. */
  created: string;
  subject?: string;
  priority: Priority;
  replyTo?: string;
  /** Registry key of the model whose call wrote the message. */
  model?: string;
  usage?: MessageUsage;
  body: string;
}

/** A turn number zero-padded to six digits, so file names and ids sort by turn. */
export function padTurn(turn: number): string {
  return String(turn).padStart(6, '0');
}

/** A message's place in its sender's turn, zero-padded to three digits. */
export function padSeq(seq: number): string {
  return String(seq).padStart(3, '0');
}

/** `000012-001-planner.md`: sorts by time in any file browser. */
export function messageFileName(turn: number, seq: number, to: string): string {
  return `${padTurn(turn)}-${padSeq(seq)}-${to}.md`;
}

/** `000012-manager-001`. */
export function messageId(turn: number, from: string, seq: number): string {
  return `${padTurn(turn)}-${from}-${padSeq(seq)}`;
}

const FILE_NAME = /^(\d{6,})-(\d{3,})-([a-z][a-z0-9_-]{0,63})\.md$/;

/** The turn, sequence and recipient encoded in a message file name, if it follows the pattern. */
export function parseMessageFileName(name: string): { turn: number; seq: number; to: string } | undefined {
  const match = FILE_NAME.exec(name);
  if (!match || match[1] === undefined || match[2] === undefined || match[3] === undefined) return undefined;
  return { turn: Number(match[1]), seq: Number(match[2]), to: match[3] };
}
