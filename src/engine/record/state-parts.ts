import { asNameRecord, nameRecord } from '../../org/names.js';
import type { AgentTotals } from '../money/ledger.js';
import type { Activity, EngineState, PendingItem } from './engine-state.js';
import { mergeSorted } from './pending-order.js';

/**
 * The part of the engine's state that grows with the org: who has joined, the mail waiting, what
 * each agent last did and last failed at, and its ledger totals. It is kept apart from `engine.json`
 * (engine-state.ts), in `org/state/engine/`: a whole copy (a base), then what each commit changed in
 * it (a change), so a turn writes the letters and records of the agents it touched, not every
 * agent's; a new base is written once the changes since the last would outweigh it.
 */
export interface AgentParts {
  members: string[];
  pending: PendingItem[];
  activity: Record<string, Activity>;
  errors: Record<string, { turn: number; message: string }>;
  totals: Record<string, AgentTotals>;
  lastCharged: Record<string, number>;
}

/** What a commit changed in the parts: each field only when it changed; a record's entry `null` when it went. */
export interface PartsChange {
  /** Agents that joined (members is their union with the earlier, sorted); `members` instead when one left. */
  joined?: string[];
  members?: string[];
  /** Letters gone (read, or taken back), by id and recipient. */
  gone?: Array<[string, string]>;
  /** Letters that now wait, in the state's order (turn, then id); they go after letters of the same turn and id that waited before. */
  added?: PendingItem[];
  activity?: Record<string, Activity | null>;
  errors?: Record<string, { turn: number; message: string } | null>;
  totals?: Record<string, AgentTotals | null>;
  lastCharged?: Record<string, number | null>;
}

/** The state's parts, as its records (no copy). */
export function partsOf(state: EngineState): AgentParts {
  return { members: state.members, pending: state.pending, activity: state.activity, errors: state.errors, totals: state.ledger.totals, lastCharged: state.ledger.lastCharged };
}

/** Which fields of AgentParts are records keyed by agent. */
const RECORDS = ['activity', 'errors', 'totals', 'lastCharged'] as const;

/**
 * What changed from `before` to `after`, or undefined when nothing did; what `applyChange` makes
 * `after` of `before` again, exactly (the engine checks it before it writes one: see changeOf's callers).
 * Records are compared entry by entry by identity (a commit makes a new entry for what it changes and
 * keeps the others), the mail by a walk of both lists: what is kept keeps its order, so a letter of
 * `after` that `before` held (`known`) is where the walk catches up.
 */
/**
 * The letters a change made in memory (changeOf) says are gone, as the objects they are: applied to the
 * parts it was made from (changeHolds), they are left out by identity, so a commit reads no field of the
 * letters that stay (a turn that called 6 of 60 agents looked at every other letter's id and recipient).
 */
const goneLetters = new WeakMap<PartsChange, Set<PendingItem>>();

export function changeOf(before: AgentParts, after: AgentParts, known: WeakSet<PendingItem>): PartsChange | undefined {
  const change: PartsChange = {};
  if (after.members !== before.members) {
    const had = new Set(before.members);
    const joined = after.members.filter((name) => !had.has(name));
    if (joined.length + before.members.length === after.members.length) change.joined = joined;
    else change.members = after.members;
  }
  if (after.pending !== before.pending) {
    const gone: Array<[string, string]> = [];
    const passedLetters = new Set<PendingItem>();
    const added: PendingItem[] = [];
    let left = 0;
    for (const item of after.pending) {
      if (item === before.pending[left]) {
        left += 1;
        continue;
      }
      if (!known.has(item)) {
        added.push(item);
        continue;
      }
      // A letter that waited before, further on: the ones passed on the way are gone.
      while (left < before.pending.length && before.pending[left] !== item) {
        const passed = before.pending[left] as PendingItem;
        gone.push([passed.id, passed.to]);
        passedLetters.add(passed);
        left += 1;
      }
      left += 1;
    }
    for (; left < before.pending.length; left += 1) {
      const passed = before.pending[left] as PendingItem;
      gone.push([passed.id, passed.to]);
      passedLetters.add(passed);
    }
    if (gone.length > 0) change.gone = gone;
    if (added.length > 0) change.added = added;
    if (passedLetters.size > 0) goneLetters.set(change, passedLetters);
  }
  for (const field of RECORDS) {
    const was = before[field] as Record<string, unknown>;
    const now = after[field] as Record<string, unknown>;
    if (was === now) continue;
    const changed: Record<string, unknown> = nameRecord();
    let any = false;
    for (const key of Object.keys(now)) {
      if (!Object.hasOwn(was, key) || now[key] !== was[key]) {
        changed[key] = now[key];
        any = true;
      }
    }
    for (const key of Object.keys(was)) {
      if (!Object.hasOwn(now, key)) {
        changed[key] = null;
        any = true;
      }
    }
    if (any) (change as Record<string, unknown>)[field] = changed;
  }
  return Object.keys(change).length === 0 ? undefined : change;
}

/** How many members `changedMost` looks at. */
const SAMPLE = 64;

/**
 * Whether most agents' entries changed from `before` to `after` (a turn in which most agents ran):
 * then a whole copy is written at once, not a change as large that would soon call for one. Told from
 * a sample of the members spread over the list, not by diffing every record: at 10,000 agents all busy,
 * making that change only to drop it cost a turn a tenth of its state's writing. Pure.
 */
export function changedMost(before: AgentParts, after: AgentParts): boolean {
  const members = after.members;
  if (members.length === 0) return false;
  const step = Math.max(1, Math.floor(members.length / SAMPLE));
  let looked = 0;
  let changed = 0;
  for (let index = 0; index < members.length; index += step) {
    const name = members[index] as string;
    looked += 1;
    if (after.activity[name] !== before.activity[name] || after.totals[name] !== before.totals[name]) changed += 1;
  }
  return changed * 2 > looked;
}

/** `parts` with `change` made (a new object; `parts` is not changed). Pure. */
export function applyChange(parts: AgentParts, change: PartsChange): AgentParts {
  const next: AgentParts = { ...parts };
  if (change.members) next.members = change.members;
  else if (change.joined) next.members = [...new Set([...parts.members, ...change.joined])].sort();
  if (change.gone || change.added) {
    const letters = goneLetters.get(change);
    const gone = new Set((change.gone ?? []).map(([id, to]) => `${id}\n${to}`));
    const kept = gone.size === 0 ? parts.pending : letters ? parts.pending.filter((item) => !letters.has(item)) : parts.pending.filter((item) => !gone.has(`${item.id}\n${item.to}`));
    next.pending = mergeSorted(kept, change.added ?? []);
  }
  for (const field of RECORDS) {
    const changed = change[field] as Record<string, unknown> | undefined;
    if (!changed) continue;
    const record: Record<string, unknown> = Object.assign(nameRecord<unknown>(), parts[field]);
    for (const key of Object.keys(changed)) {
      if (changed[key] === null) delete record[key];
      else record[key] = changed[key];
    }
    (next as unknown as Record<string, unknown>)[field] = record;
  }
  return next;
}

/**
 * Whether `parts` with `change` made is `after`, entry by entry (identity for the letters, which the
 * change carries as they are, and for each record's entries): what a change is held to before it is
 * written, so a change the walk read wrong is never written (a whole copy is, instead).
 */
export function changeHolds(parts: AgentParts, change: PartsChange, after: AgentParts): boolean {
  const made = applyChange(parts, change);
  if (made.members.length !== after.members.length || made.members.some((name, index) => name !== after.members[index])) return false;
  if (made.pending.length !== after.pending.length || made.pending.some((item, index) => item !== after.pending[index])) return false;
  for (const field of RECORDS) {
    const mine = made[field] as Record<string, unknown>;
    const theirs = after[field] as Record<string, unknown>;
    if (mine === theirs) continue;
    const keys = Object.keys(theirs);
    if (Object.keys(mine).length !== keys.length || keys.some((key) => !Object.hasOwn(mine, key) || mine[key] !== theirs[key])) return false;
  }
  return true;
}

/**
 * Each waiting letter's JSON, made once: a letter waits the same object from turn to turn (the
 * commit keeps it), so a base at 100,000 waiting letters joins their text, and makes only the new ones'.
 */
const itemText = new WeakMap<PendingItem, string>();

function lettersText(items: readonly PendingItem[]): string {
  // Most of them new (a turn in which most agents were written to, as at 10,000 busy agents): their text in
  // one call and none kept, rather than a call and a weak entry each for letters read by the next turn.
  // The same text: an array's JSON is its items' JSON joined by commas.
  let unknown = 0;
  for (const item of items) if (!itemText.has(item)) unknown += 1;
  if (unknown * 2 > items.length) return JSON.stringify(items);
  return `[${items
    .map((item) => {
      let text = itemText.get(item);
      if (text === undefined) {
        text = JSON.stringify(item);
        itemText.set(item, text);
      }
      return text;
    })
    .join(',')}]`;
}

/** The members' JSON, by list: a turn nobody joined keeps the list, and its text (10,000 names). */
const membersText = new WeakMap<readonly string[], string>();

/** A base's file: every part, whole (`JSON.stringify` of `{ turn, ...parts }`, the letters' text made once each). */
export function baseText(turn: number, parts: AgentParts): string {
  const { members, pending, activity, errors, totals, lastCharged } = parts;
  let membersJson = membersText.get(members);
  if (membersJson === undefined) membersText.set(members, (membersJson = JSON.stringify(members)));
  return `{"kind":"base","turn":${turn},"members":${membersJson},"pending":${lettersText(pending)},"activity":${JSON.stringify(activity)},"errors":${JSON.stringify(errors)},"totals":${JSON.stringify(totals)},"lastCharged":${JSON.stringify(lastCharged)}}\n`;
}

/** A change's file. */
export function changeText(turn: number, change: PartsChange): string {
  return `${JSON.stringify({ kind: 'change', turn, ...change })}\n`;
}

/** A base read back from its file's JSON, its records without a prototype (org/names.ts; state-shape.ts made them so as it checked them). */
export function partsFromJson(data: Partial<AgentParts>): AgentParts {
  return {
    members: Array.isArray(data.members) ? data.members : [],
    pending: Array.isArray(data.pending) ? data.pending : [],
    activity: asNameRecord(data.activity),
    errors: asNameRecord(data.errors),
    totals: asNameRecord(data.totals),
    lastCharged: asNameRecord(data.lastCharged),
  };
}
