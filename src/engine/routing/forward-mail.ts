import { basename } from 'node:path';
import { formatMessage } from '../../mailbox/message-format.js';
import { outboxPath, readMessageFile } from '../../mailbox/message-file.js';
import { messageFileName, messageId, type Message } from '../../mailbox/message.js';
import { HUMAN, ROUTING_FILE } from '../../org/names.js';
import type { Org } from '../../org/org.js';
import { checkEdge } from '../../org/permissions.js';
import type { ForwardRule } from '../../org/routing/routing-rules.js';
import type { PendingItem } from '../record/engine-state.js';

type MessageItem = Extract<PendingItem, { kind: 'message' }>;

/** A copy the rules send: written into the original recipient's outbox, as the recipient's own mail rule would. */
export interface Forward {
  /** The outbox it goes in (the original recipient) and the file's name there. */
  outbox: string;
  fileName: string;
  message: Message;
  /** The rule that made it. */
  rule: string;
}

/** Whether `text` holds `word` as a whole word or phrase, in any case. */
export function mentions(text: string, word: string): boolean {
  const escaped = word.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
  return new RegExp(`(^|[^\\p{L}\\p{N}_])${escaped}($|[^\\p{L}\\p{N}_])`, 'u').test(text.toLowerCase());
}

function matches(rule: ForwardRule, item: MessageItem, text: () => string | undefined): boolean {
  if (rule.mailTo !== item.to) return false;
  if (rule.from !== undefined && rule.from !== item.from) return false;
  if (rule.about === undefined) return true;
  const content = text();
  return content !== undefined && rule.about.some((word) => mentions(content, word));
}

/**
 * The forwards a turn's new mail calls for, in a fixed order (the mail's order, then the rules'),
 * each under a name fixed by the turn and by what the recipient itself wrote in it (`written`:
 * how many files each outbox got this turn), so deciding again after a crash gives the same
 * files, byte for byte. A copy goes only where the chart lets the recipient write now; one that it
 * does not is a warning. `at` is the `created` time of every copy (the plan's time). Pure but for
 * reading the original messages.
 */
export function decideForwards(
  root: string,
  org: Org,
  rules: readonly ForwardRule[],
  newMail: readonly MessageItem[],
  turn: number,
  written: (outbox: string) => number,
  at: string,
): { forwards: Forward[]; warnings: string[] } {
  const forwards: Forward[] = [];
  const warnings: string[] = [];
  if (rules.length === 0) return { forwards, warnings };
  const next = new Map<string, number>();
  for (const item of newMail) {
    let read: Message | null | undefined;
    const original = (): Message | undefined => {
      if (read === undefined) {
        const result = readMessageFile(root, item.from, basename(item.file), item.turn, org.settings.max_body_chars);
        read = 'error' in result ? null : result.message;
      }
      return read ?? undefined;
    };
    const sentTo = new Set<string>();
    for (const rule of rules) {
      if (sentTo.has(rule.forwardTo) || rule.forwardTo === item.from) continue;
      if (!matches(rule, item, () => { const message = original(); return message && `${message.subject ?? ''}\n${message.body}`; })) continue;
      const message = original();
      if (!message) continue;
      const verdict = checkEdge(org, item.to, rule.forwardTo);
      if (!verdict.allowed) {
        warnings.push(`${ROUTING_FILE} rule "${rule.name}" did not forward ${item.id} to ${rule.forwardTo}: ${verdict.reason}`);
        continue;
      }
      sentTo.add(rule.forwardTo);
      const seq = (next.get(item.to) ?? written(item.to)) + 1;
      next.set(item.to, seq);
      const forwarded: Message = {
        id: messageId(turn, item.to, seq),
        from: item.to,
        to: rule.forwardTo,
        turn,
        created: at,
        subject: `Fwd: ${message.subject ?? message.body.split('\n')[0]?.slice(0, 60) ?? ''}`,
        priority: message.priority,
        body:
          `[lemming forwarded this under the rule "${rule.name}" of ${ROUTING_FILE}, without a model call: ` +
          `message ${item.id} from ${item.from} to ${item.to}, turn ${item.turn}. Answer ${item.from} directly if you can write to it.]\n\n${message.body}`,
      };
      forwards.push({ outbox: item.to, fileName: messageFileName(turn, seq, rule.forwardTo), message: forwarded, rule: rule.name });
    }
  }
  return { forwards, warnings };
}

/** The text of a forward's file: what the engine writes, the same bytes every time. */
export function forwardText(forward: Forward): string {
  return formatMessage(forward.message);
}

/** The waiting mail a forward makes for its target (nothing for a person, whose inbox reads the outboxes). */
export function forwardedMail(forward: Forward): PendingItem[] {
  if (forward.message.to === HUMAN) return [];
  return [
    {
      kind: 'message',
      id: forward.message.id,
      from: forward.outbox,
      to: forward.message.to,
      turn: forward.message.turn,
      file: `${outboxPath(forward.outbox)}/${forward.fileName}`,
      priority: forward.message.priority,
      ...(forward.message.subject === undefined ? {} : { subject: forward.message.subject }),
    },
  ];
}
