import { basename } from 'node:path';
import { readMessageFile } from '../../mailbox/message-file.js';
import { answeredStart, type AnsweredStart } from '../../mailbox/prompt-markup.js';
import type { Org } from '../../org/org.js';
import type { PendingItem } from '../record/engine-state.js';
import type { MailByAgent } from '../record/pending-index.js';
import type { InboxEntry } from './build-prompt.js';
import { readMail, type PreparedCall } from './prepare-call.js';

/**
 * The mail each agent of a turn was shown, by the ids its call recorded: from the prompts the turn
 * built, or, for a turn finished after a crash that built none, from the message files. What an
 * answer's reply_to starts from, what its memories of the turn are made of, and whether it was
 * shown only the engine's notices.
 */
export class ShownMail {
  constructor(
    private readonly root: string,
    private readonly org: Org,
    /** Each agent's waiting mail, in the order its prompt shows it. */
    private readonly mail: MailByAgent,
    /** The calls prepared with the plan (none for a call planned before a crash). */
    private readonly prepared: ReadonlyMap<string, PreparedCall>,
  ) {}

  /** The waiting mail with these ids: what the agent was shown. */
  items(agent: string, shown: readonly string[]): readonly PendingItem[] {
    const waiting = this.mail.get(agent) ?? [];
    // Most agents are shown all their mail, in order: no set to build (this is asked three times an agent).
    if (waiting.length === shown.length && waiting.every((item, index) => item.id === shown[index])) return waiting;
    const ids = new Set(shown);
    return waiting.filter((item) => ids.has(item.id));
  }

  /** The start of a message the agent was shown (for a message it sends in answer). */
  start(agent: string, shown: readonly string[], id: string): AnsweredStart | undefined {
    const entry = this.prepared.get(agent)?.inbox.find((candidate) => candidate.id === id);
    if (entry) return answeredStart(entry);
    const item = this.items(agent, shown).find((candidate) => candidate.id === id);
    if (item?.kind !== 'message') return undefined;
    const read = readMessageFile(this.root, item.from, basename(item.file), item.turn, this.org.settings.max_body_chars);
    return 'error' in read ? undefined : answeredStart({ ...read.message, id: item.id, from: item.from });
  }

  /** The mail the agent was shown, with its bodies, in the order shown. */
  entries(agent: string, shown: readonly string[]): InboxEntry[] {
    const built = this.prepared.get(agent)?.inbox;
    return this.items(agent, shown).flatMap((item): InboxEntry[] => {
      const entry = built?.find((candidate) => candidate.id === item.id);
      if (entry) return [entry];
      // Read as its prompt read it (its names, for a message to several or to a list), so a turn finished
      // after a crash remembers it in the same words; what cannot be read now was said when the turn was planned.
      return readMail(this.root, this.org, agent, [item], item.turn).inbox;
    });
  }

  /** The agent was shown only notices from the engine: a text reply to them earns no further notice. */
  onlyNotices(agent: string, shown: readonly string[]): boolean {
    return this.items(agent, shown).every((item) => item.kind === 'notice');
  }
}
