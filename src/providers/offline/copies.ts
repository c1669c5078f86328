import type { InboxItemMarkup } from '../../mailbox/prompt-markup.js';
import type { PromptView } from './read-prompt.js';

/**
 * How the offline model reads and writes mail that reaches several people (docs/offline-model.md), deterministically:
 * - a task it splits between colleagues goes as one post to the mailing list its instructions name
 *   ("post … to the list dept_3"), when it may post there, instead of one message to each;
 * - its answer to a message that reached several people (a `to:` or `cc:` of several names, or a
 *   post to a list) goes to the sender with a copy to the others it may write to, the list included:
 *   "reply all", as a person answers a thread others are on;
 * - a message it has as a copy (named in `cc:`, or a list there, and not in `to:`) is read for
 *   information, not taken up as a task;
 * - it hands a task to no one who has it already (named in `to:` or `cc:`, or one of its team a list
 *   it came through reached, as the prompt's `team_on_list` says).
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
  const names = [...namesOf(item.to), ...namesOf(item.cc)];
  const copies = new Set<string>();
  for (const name of names) {
    if (name === '' || name === view.self || name === to || name === item.from) continue;
    if (view.sendTo.has(name) || view.lists?.has(name)) copies.add(name);
  }
  return [...copies];
}

/** The names of a `to` or `cc` attribute as the prompt shows them. */
function namesOf(attribute: string | undefined): string[] {
  return (attribute ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
}

/**
 * Whether it has the message as a copy, for information: not named in `to:` (nor reached through a
 * list there it may post to), and named in `cc:` (or reached through a list there). A message to one
 * person, or one whose way to it the prompt does not show, is not a copy.
 */
export function isCopy(view: Pick<PromptView, 'self' | 'lists'>, item: Pick<InboxItemMarkup, 'to' | 'cc'>): boolean {
  if (item.cc === undefined) return false;
  const through = (name: string): boolean => name === view.self || (view.lists?.has(name) ?? false);
  return !namesOf(item.to).some(through) && namesOf(item.cc).some(through);
}

/** Everyone who has the message already: its sender, the names of its `to:` and `cc:`, and those of its team a list it came through reached. */
export function alreadyHave(item: Pick<InboxItemMarkup, 'from' | 'to' | 'cc' | 'teamOnList'>): ReadonlySet<string> {
  return new Set([item.from, ...namesOf(item.to), ...namesOf(item.cc), ...namesOf(item.teamOnList)]);
}
