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
  /** The first recipient: the one name of `to:`, or the first of its list. */
  to: string;
  /** The rest of a `to:` list, when it names several; absent for a message to one name, which reads as it always did. */
  alsoTo?: string[];
  /** Copies (`cc:`): read by each name as the recipients read it; absent when there are none. */
  cc?: string[];
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

/**
 * `000012-001-planner.md`: sorts by time in any file browser. A message to several people is named
 * for its first recipient and how many more it reaches (`000012-001-planner+2.md`): no agent name
 * holds a `+`, and a reader looking for its own mail knows from the name alone which files may hold it.
 */
export function messageFileName(turn: number, seq: number, to: string, others = 0): string {
  return `${padTurn(turn)}-${padSeq(seq)}-${to}${others > 0 ? `+${others}` : ''}.md`;
}

/** `000012-manager-001`. */
export function messageId(turn: number, from: string, seq: number): string {
  return `${padTurn(turn)}-${from}-${padSeq(seq)}`;
}

const FILE_NAME = /^(\d{6,})-(\d{3,})-([a-z][a-z0-9_-]{0,63})(?:\+(\d{1,6}))?\.md$/;

/**
 * The turn, sequence and (first) recipient encoded in a message file name, if it follows the
 * pattern; `others` is how many more people the name says the message reaches (0 for one).
 */
export function parseMessageFileName(name: string): { turn: number; seq: number; to: string; others: number } | undefined {
  const match = FILE_NAME.exec(name);
  if (!match || match[1] === undefined || match[2] === undefined || match[3] === undefined) return undefined;
  return { turn: Number(match[1]), seq: Number(match[2]), to: match[3], others: match[4] === undefined ? 0 : Number(match[4]) };
}

/**
 * The most names one message may carry in `to:` and `cc:` together: a message to more people is
 * what a mailing list is for (org/lists/), and a bound keeps one file's delivery small.
 */
export const MAX_RECIPIENTS = 64;

/**
 * A message's names as a person gives them (`lemming send --to a,b --cc c`): the first of `to`, the
 * rest of it, and the copies not already in `to`, each once, in the order given; `alsoTo` and `cc`
 * only when there are some, so a message to one name is written as it always was. Pure.
 */
export function addressOf(to: readonly string[], cc: readonly string[] = []): Pick<Message, 'to' | 'alsoTo' | 'cc'> {
  const names = [...new Set(to)];
  const copies = [...new Set(cc)].filter((name) => !names.includes(name));
  return { to: names[0] ?? '', ...(names.length > 1 ? { alsoTo: names.slice(1) } : {}), ...(copies.length > 0 ? { cc: copies } : {}) };
}

/** Everyone a message reaches, each once, in the order written: `to:` first, then `cc:`. */
export function recipientsOf(message: Pick<Message, 'to' | 'alsoTo' | 'cc'>): string[] {
  if (message.alsoTo === undefined && message.cc === undefined) return [message.to];
  return [...new Set([message.to, ...(message.alsoTo ?? []), ...(message.cc ?? [])])];
}

/** Whether `reader` is one of the people a message is addressed or copied to. */
export function isAddressedTo(message: Pick<Message, 'to' | 'alsoTo' | 'cc'>, reader: string): boolean {
  return message.to === reader || (message.alsoTo?.includes(reader) ?? false) || (message.cc?.includes(reader) ?? false);
}
