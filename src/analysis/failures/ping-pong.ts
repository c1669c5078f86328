import { exchangeAfter, movesTo, type Exchange, type TurnConduct } from '../../engine/breakers/loop-rules.js';
import type { AnalysisLimits } from '../analysis-limits.js';
import type { OrgRecords } from '../records/org-records.js';
import type { PingPong } from '../org-analysis.js';

export type { PingPong };

/** An exchange being followed through the run, with the ids of its messages. */
interface Followed {
  exchange: Exchange;
  ids: string[];
}

/**
 * Ping-pong: a pair that sent `pingPongMessages` messages or more back and forth, taking turns or
 * writing in the same turns, while neither brought in anyone or anything new. The rule is the live
 * breaker's (engine/breakers/loop-rules.ts, exchangeAfter), applied to every turn of the run: what each
 * agent's mail reached (each reader of `to:`, `cc:` and a list's post; people left out) and whether it
 * called a tool that makes something. An exchange is reported whole, from its first message to the
 * turn it ended (the breaker, holding the pair at the count, ends it there). Pure.
 */
export function pingPongs(records: OrgRecords, limits: Pick<AnalysisLimits, 'pingPongMessages'>): PingPong[] {
  // The agents the engine calls, as the live breaker counts them: a person's mail, and a name that is no agent's (a list nobody else is on), are not counted.
  const members = new Set(records.agents.filter((agent) => !agent.isHuman).map((agent) => agent.name));
  /** Per turn, per agent: whom its mail reached, and its messages to each. */
  const turns = new Map<number, Map<string, Map<string, string[]>>>();
  for (const message of records.messages) {
    if (!members.has(message.from)) continue;
    let byAgent = turns.get(message.turn);
    if (!byAgent) turns.set(message.turn, (byAgent = new Map()));
    let byReader = byAgent.get(message.from);
    if (!byReader) byAgent.set(message.from, (byReader = new Map()));
    for (const reader of [message.to, ...(message.others ?? [])]) {
      if (reader === message.from || !members.has(reader)) continue;
      byReader.set(reader, [...(byReader.get(reader) ?? []), message.id]);
    }
  }
  for (const [agent, byTurn] of records.activity) {
    if (!members.has(agent)) continue;
    for (const [turn, activity] of byTurn) {
      if (!activity.madeSomething) continue;
      let byAgent = turns.get(turn);
      if (!byAgent) turns.set(turn, (byAgent = new Map()));
      if (!byAgent.has(agent)) byAgent.set(agent, new Map());
    }
  }

  const following = new Map<string, Followed>();
  /** The pairs each agent is in an exchange of: a turn looks only at the pairs of the agents that did something. */
  const pairsOf = new Map<string, Set<string>>();
  const found: PingPong[] = [];
  const close = (key: string, followed: Followed): void => {
    if (followed.exchange.count < limits.pingPongMessages) return;
    const [first, second] = key.split(' ') as [string, string];
    found.push({ agents: [first, second], messages: followed.exchange.count, fromTurn: followed.exchange.since, toTurn: followed.exchange.turn, ids: followed.ids });
  };
  for (const turn of [...turns.keys()].sort((left, right) => left - right)) {
    const byAgent = turns.get(turn) as Map<string, Map<string, string[]>>;
    const conductOf = (agent: string): TurnConduct | undefined => {
      const byReader = byAgent.get(agent);
      if (!byReader) return undefined;
      return { wrote: new Set(byReader.keys()), made: records.activity.get(agent)?.get(turn)?.madeSomething === true };
    };
    const keys = new Set<string>();
    for (const [agent, byReader] of byAgent) {
      for (const key of pairsOf.get(agent) ?? []) keys.add(key);
      if (byReader.size === 1) keys.add([agent, ...byReader.keys()].sort().join(' '));
    }
    for (const key of [...keys].sort()) {
      const pair = key.split(' ') as [string, string];
      const before = following.get(key);
      const after = exchangeAfter(pair, before?.exchange, turn, conductOf);
      if (before !== undefined && after === before.exchange) continue;
      if (before !== undefined && after?.since !== before.exchange.since) close(key, before);
      if (after === undefined) {
        following.delete(key);
        for (const agent of pair) pairsOf.get(agent)?.delete(key);
        continue;
      }
      const movedBy = (from: string, to: string): string[] => (movesTo(conductOf(from), to) ? (byAgent.get(from)?.get(to) ?? []) : []);
      const now = [...movedBy(pair[0], pair[1]), ...movedBy(pair[1], pair[0])].sort();
      const continued = before !== undefined && after.since === before.exchange.since;
      following.set(key, { exchange: after, ids: [...(continued ? before.ids : []), ...now] });
      for (const agent of pair) {
        let keysOfAgent = pairsOf.get(agent);
        if (!keysOfAgent) pairsOf.set(agent, (keysOfAgent = new Set()));
        keysOfAgent.add(key);
      }
    }
  }
  for (const [key, followed] of following) close(key, followed);
  return found.sort((left, right) => right.messages - left.messages || left.fromTurn - right.fromTurn);
}
