import type { InboxItemMarkup } from '../../mailbox/prompt-markup.js';
import type { PromptView } from './read-prompt.js';

/**
 * How the offline model writes to several people (docs/offline-model.md), deterministically:
 * - a task it splits between colleagues goes as one post to the mailing list its instructions name
 *   ("post … to the list dept_3"), when it may post there, instead of one message to each;
 * - its answer to a message that reached several people (a `to:` or `cc:` of several names, or a
 *   post to a list) goes to the sender with a copy to the others it may write to, the list included:
 *   "reply all", as a person answers a thread others are on.
 * An org with no lists and no message to several people sees none of this. Pure.
 */

/** "post … to (the list|list) <name>" in its instructions, naming a list it may post to. */
const POST_TO_LIST = /\bpost\b[^.]*?\bto (?:the |your )?(?:[a-z]+ )?list,? ([a-z][a-z0-9_-]*)/gi;

/** The list its instructions tell it to post split work to, when it may; undefined otherwise. */
export function listToPost(view: Pick<PromptView, 'instructions' | 'lists'>): string | undefined {
  if (!view.lists || view.lists.size === 0) return undefined;
  for (const match of view.instructions.matchAll(POST_TO_LIST)) {
    const name = match[1] ?? '';
    if (view.lists.has(name)) return name;
  }
  return undefined;
}

/** The others a message reached (its `to:` and `cc:` as shown), to copy an answer to: those it may still write to, not itself or `to`. */
export function copiesFor(view: Pick<PromptView, 'self' | 'sendTo' | 'lists'>, item: Pick<InboxItemMarkup, 'to' | 'cc' | 'from'>, to: string): string[] {
  if (item.to === undefined && item.cc === undefined) return [];
  const names = [...(item.to ?? '').split(','), ...(item.cc ?? '').split(',')].map((name) => name.trim());
  const copies = new Set<string>();
  for (const name of names) {
    if (name === '' || name === view.self || name === to || name === item.from) continue;
    if (view.sendTo.has(name) || view.lists?.has(name)) copies.add(name);
  }
  return [...copies];
}
