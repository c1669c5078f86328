import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the status floors take from the engine's state: the turn, each agent's unread mail and the turn it last acted in. */
export interface StateFloor {
  turn: number;
  unread: Map<string, number>;
  lastTurn: Map<string, number>;
}

/**
 * The engine's state read with no module of lemming's: `engine.json`, then its parts in
 * `org/state/engine/` (a whole copy, then each commit's change: engine/record/state-store.ts), each
 * parsed, the unread mail counted and the last activity taken as they go; a state written whole in
 * engine.json (an org of the previous layout) is read from there.
 */
export function readStateFloor(root: string): StateFloor {
  const state = join(root, 'org', 'state');
  const head = JSON.parse(readFileSync(join(state, 'engine.json'), 'utf8')) as Part & { turn: number; parts?: { first: number; last: number } };
  const unread = new Map<string, number>();
  const lastTurn = new Map<string, number>();
  const take = (part: Part): void => {
    for (const item of [...(part.pending ?? []), ...(part.added ?? [])]) unread.set(item.to, (unread.get(item.to) ?? 0) + 1);
    for (const [, to] of part.gone ?? []) unread.set(to, (unread.get(to) ?? 1) - 1);
    for (const [name, activity] of Object.entries(part.activity ?? {})) lastTurn.set(name, activity?.turn ?? 0);
  };
  if (!head.parts) take(head);
  for (let number = head.parts?.first ?? 0; number <= (head.parts?.last ?? -1); number += 1) {
    take(JSON.parse(readFileSync(join(state, 'engine', `${String(number).padStart(9, '0')}.json`), 'utf8')) as Part);
  }
  return { turn: head.turn, unread, lastTurn };
}

interface Part {
  pending?: Array<{ to: string }>;
  added?: Array<{ to: string }>;
  gone?: Array<[string, string]>;
  activity?: Record<string, { turn: number } | null>;
}
