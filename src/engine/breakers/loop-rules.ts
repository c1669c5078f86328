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

/** Tools that only look (read a file, list, search, count): a call of any other tool made something. */
const LOOKING_TOOLS = new Set(['read_file', 'list_files', 'search_files', 'read_message', 'list_agents', 'calculate', 'word_count', 'checklist']);

/** Whether an activity log line is a step that called a tool that makes something (a file, a command, a proposal). */
export function madeSomethingIn(entry: { event: string; [field: string]: unknown }): boolean {
  if (entry.event !== 'step' || !Array.isArray(entry['tools'])) return false;
  return (entry['tools'] as Array<{ name?: unknown }>).some((tool) => typeof tool?.name === 'string' && !LOOKING_TOOLS.has(tool.name));
}

/** What one agent did in one turn, as the ping-pong rule reads it. */
export interface TurnConduct {
  /** The agents its mail reached (each reader of a post to a list, of `to:` and `cc:`), itself and people left out. */
  wrote: ReadonlySet<string>;
  /** It called a tool that makes something (madeSomethingIn): it brought something new in. */
  made: boolean;
}

/**
 * A pair's exchange so far: how many messages went back and forth, who sent the last (null: both,
 * in one turn), the turn it began and the last turn a message of it was written.
 */
export interface Exchange {
  count: number;
  last: string | null;
  since: number;
  turn: number;
}

/** Whether an agent's turn is a message of its exchange with `partner`: it wrote to the partner alone and made nothing. */
export function movesTo(conduct: TurnConduct | undefined, partner: string): boolean {
  return conduct !== undefined && !conduct.made && conduct.wrote.size === 1 && conduct.wrote.has(partner);
}

/**
 * The ping-pong rule, for one pair and one turn: the exchange after `turn`, undefined when there is
 * none. A call of either agent that made something or whose mail reached any other agent ends it (a
 * person's mail is neither counted nor a third party: the breaker and the analysis see it alike).
 * A call that wrote only to its partner is one message back or forth, however many files it wrote;
 * the two writing to each other in one turn (kicked off together) are two, whatever came before; one
 * writing to the other twice with no answer between starts a new exchange. A turn in which neither
 * did anything leaves it as it was. The live breaker (loop-breakers.ts) applies it to each turn's new
 * mail, `lemming analyze` (analysis/failures/ping-pong.ts) to every turn of a finished run. Pure.
 */
export function exchangeAfter(pair: readonly [string, string], exchange: Exchange | undefined, turn: number, conductOf: (agent: string) => TurnConduct | undefined): Exchange | undefined {
  const [first, second] = pair;
  const firstDid = conductOf(first);
  const secondDid = conductOf(second);
  if (firstDid === undefined && secondDid === undefined) return exchange;
  const ended = (conduct: TurnConduct | undefined, partner: string): boolean => conduct !== undefined && (conduct.made || (conduct.wrote.size > 0 && !movesTo(conduct, partner)));
  const going = ended(firstDid, second) || ended(secondDid, first) ? undefined : exchange;
  const movers = [...(movesTo(firstDid, second) ? [first] : []), ...(movesTo(secondDid, first) ? [second] : [])];
  const [mover] = movers;
  if (mover === undefined) return going;
  if (movers.length === 2) return { count: (going?.count ?? 0) + 2, last: null, since: going?.since ?? turn, turn };
  const answered = going !== undefined && going.last !== mover;
  return answered ? { count: going.count + 1, last: mover, since: going.since, turn } : { count: 1, last: mover, since: turn, turn };
}
