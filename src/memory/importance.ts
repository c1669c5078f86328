/**
 * How much a memory matters, 1 (mundane) to 10 (must not be forgotten), by a cheap rule that needs
 * no model and gives the same number on every machine: who it came from, how urgent it was said to
 * be, and whether it holds what people ask to be kept (a figure, a name of a thing, "for the record").
 * Pure.
 */

/** What the rule looks at. */
export interface ImportanceSigns {
  /** What kind of event it was. */
  event: 'received' | 'notice' | 'sent' | 'noted' | 'tools';
  /** The other party: the sender of what it received, the recipient of what it sent. */
  party?: string;
  priority?: string;
  text: string;
}

const BASE: Record<ImportanceSigns['event'], number> = { received: 4, notice: 2, sent: 3, noted: 5, tools: 3 };
const PRIORITY: Record<string, number> = { low: -1, normal: 0, high: 1, urgent: 2 };
/** Words people use for what is to be kept. */
const KEEP = /\b(remember|record|important|never|always|must|deadline|decided|decision|keep|secret|password|code|promise|agreed)\b/i;

/** The importance of a memory of this event. */
export function importanceOf(signs: ImportanceSigns): number {
  let score = BASE[signs.event];
  // The person running the org speaks for it.
  if (signs.party === 'human') score += signs.event === 'received' ? 2 : 1;
  score += PRIORITY[signs.priority ?? 'normal'] ?? 0;
  const head = signs.text.slice(0, 2_000);
  if (/\d/.test(head)) score += 1;
  if (KEEP.test(head)) score += 1;
  return Math.max(1, Math.min(10, score));
}

/** A reflection matters as much as the most important memory it rests on, and one more: it sums them up. */
export function reflectionImportance(cited: readonly number[]): number {
  return Math.max(1, Math.min(10, Math.max(0, ...cited) + 1));
}
