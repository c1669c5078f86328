import type { ThreadEntry } from '../api-types.js';
import { oldestFirst, type IndexedMessage } from './indexed-message.js';

export type { ThreadEntry };

/**
 * The conversation a message belongs to, built from `reply_to`: up to the first message
 * (the one that answers nothing the index knows), then every reply below it, depth first,
 * each level oldest first. Pure; a loop of replies (hand-made files can make one) ends it.
 */
export function buildThread(
  id: string,
  byId: ReadonlyMap<string, IndexedMessage>,
  repliesTo: ReadonlyMap<string, readonly IndexedMessage[]>,
): ThreadEntry[] {
  let top = byId.get(id);
  if (!top) return [];
  const climbed = new Set<string>([top.id]);
  while (top.replyTo !== undefined) {
    const parent = byId.get(top.replyTo);
    if (!parent || climbed.has(parent.id)) break;
    climbed.add(parent.id);
    top = parent;
  }
  const thread: ThreadEntry[] = [];
  const seen = new Set<string>();
  const visit = (message: IndexedMessage, depth: number): void => {
    if (seen.has(message.id)) return;
    seen.add(message.id);
    thread.push({ ...message, depth });
    for (const reply of [...(repliesTo.get(message.id) ?? [])].sort(oldestFirst)) visit(reply, depth + 1);
  };
  visit(top, 0);
  return thread;
}
