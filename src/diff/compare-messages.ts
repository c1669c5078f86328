import { HUMAN } from '../org/names.js';
import type { ChangedMessage, FieldChange, MessageChanges, MessageRef } from './org-diff.js';
import type { SnapshotMessage } from './org-snapshot.js';
import { unifiedDiff } from './unified-diff.js';

/** How messages are compared. */
export interface MessageComparison {
  /** Compare `created:` too (wall-clock: two runs of the same org never share it). */
  created: boolean;
}

/** How much of a body names a message without a subject. */
const PREVIEW_CHARS = 80;

/** A message as the comparison names it. Pure. */
export function messageRef(message: SnapshotMessage): MessageRef {
  const preview = (message.body.trim().split('\n')[0] ?? '').slice(0, PREVIEW_CHARS);
  return { id: message.id, file: message.file, from: message.from, to: message.to, turn: message.turn, ...(message.subject === undefined ? {} : { subject: message.subject }), preview };
}

function fieldChanges(a: SnapshotMessage, b: SnapshotMessage, options: MessageComparison): FieldChange[] {
  const fields: Array<[FieldChange['field'], string | number | undefined, string | number | undefined]> = [
    ['to', a.to, b.to],
    ['turn', a.turn, b.turn],
    ['subject', a.subject, b.subject],
    ['priority', a.priority, b.priority],
    ['reply_to', a.replyTo, b.replyTo],
    ['model', a.model, b.model],
    ['credits', a.credits, b.credits],
    ...(options.created ? [['created', a.created, b.created] as [FieldChange['field'], string, string]] : []),
  ];
  return fields.filter(([, left, right]) => left !== right).map(([field, left, right]) => ({ field, a: left ?? null, b: right ?? null }));
}

/**
 * Messages matched by id: those only B has (added), only A has (missing), and those whose fields
 * or body differ (changed, with a unified diff of the bodies). Each list in id order, which is
 * turn order. Pure.
 */
export function compareMessages(a: ReadonlyMap<string, SnapshotMessage>, b: ReadonlyMap<string, SnapshotMessage>, options: MessageComparison): MessageChanges {
  const added: MessageRef[] = [];
  const missing: MessageRef[] = [];
  const changed: ChangedMessage[] = [];
  const ids = [...new Set([...a.keys(), ...b.keys()])].sort();
  for (const id of ids) {
    const left = a.get(id);
    const right = b.get(id);
    if (!left && right) added.push(messageRef(right));
    else if (left && !right) missing.push(messageRef(left));
    else if (left && right) {
      const fields = fieldChanges(left, right, options);
      const bodyDiff = unifiedDiff(left.body, right.body, `A/${left.file}`, `B/${right.file}`);
      if (fields.length > 0 || bodyDiff.length > 0) changed.push({ ...messageRef(right), fields, bodyDiff });
    }
  }
  return { added, missing, changed };
}

/** The part of `changes` whose messages satisfy `keep`. Pure. */
export function someChanges(changes: MessageChanges, keep: (message: MessageRef) => boolean): MessageChanges {
  return { added: changes.added.filter(keep), missing: changes.missing.filter(keep), changed: changes.changed.filter(keep) };
}

/** Whether a message is one the human wrote. */
export const fromHuman = (message: Pick<MessageRef, 'from'>): boolean => message.from === HUMAN;
/** Whether a message is one the human was sent (by someone else: the human writing to themself answers nobody). */
export const toHuman = (message: Pick<MessageRef, 'from' | 'to'>): boolean => message.to === HUMAN && message.from !== HUMAN;

/** The last message an agent sent the human (the answer an experiment's judge reads), or null. Pure. */
export function lastAnswer(messages: ReadonlyMap<string, SnapshotMessage>): SnapshotMessage | null {
  let last: SnapshotMessage | null = null;
  for (const message of messages.values()) {
    if (!toHuman(message)) continue;
    if (last === null || message.turn > last.turn || (message.turn === last.turn && message.id > last.id)) last = message;
  }
  return last;
}

/** How many messages differ in `changes`. */
export function changeCount(changes: MessageChanges): number {
  return changes.added.length + changes.missing.length + changes.changed.length;
}
