import type { Priority } from '../../mailbox/message.js';

/*
 * The rules by which a loop is recognised in the org's mail, in one place: `lemming analyze` applies
 * them to a finished run (analysis/failures/), the circuit breakers to each turn as it is planned
 * (trip-breakers.ts). Pure; imports nothing at run time.
 */

/** How much of a message a finding or a notice quotes. */
export const QUOTE_CHARS = 80;

/** A body as repetitions are compared: spacing and case ignored. Empty: a body that repeats nothing. */
export function repetitionText(body: string): string {
  return body.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** The start of a body, on one line: what a finding or a notice quotes. */
export function quoteOf(body: string): string {
  return body.replace(/\s+/g, ' ').trim().slice(0, QUOTE_CHARS);
}

/**
 * A repetition is the same text (repetitionText) from one sender in more than one turn: the same text
 * to several agents in one turn is a broadcast, and counts once. The turns a sender wrote `text` in,
 * with `turn` added: a repetition once there are `times` of them.
 */
export function repetitionTurns(turns: readonly number[], turn: number): number[] {
  return turns.includes(turn) ? [...turns] : [...turns, turn];
}

/** An escalation: a high or urgent message from an agent to the one it reports to. */
export function isEscalation(message: { from: string; to: string; priority: Priority }, managerOf: (agent: string) => string | null | undefined): boolean {
  return (message.priority === 'high' || message.priority === 'urgent') && managerOf(message.from) === message.to;
}

/** Whether an escalation in `turn` falls in the storm window that starts at `first`'s turn: `stormTurns` turns long. */
export function inStormWindow(firstTurn: number, turn: number, stormTurns: number): boolean {
  return turn >= firstTurn && turn < firstTurn + stormTurns;
}
