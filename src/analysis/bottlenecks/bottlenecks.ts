import type { AnalysisLimits } from '../analysis-limits.js';
import { pairKey, type OrgRecords } from '../records/org-records.js';
import type { Bottleneck } from '../org-analysis.js';

export type { Bottleneck };

/**
 * Agents with mail waiting turn after turn: a message can be read from the turn after the one it
 * was written in (turns are barriers); the turn it was read is the first its recipient's activity
 * log shows it among what the agent was shown (`read`), or the agent answered it (`reply_to`).
 * A message waits each turn between, and every turn up to the last finished one when it was never
 * read. An agent is a bottleneck when one of its messages waited `waitTurns` turns or more (out of
 * credits, held, capped context, or mail piling up faster than it is read). People are left out:
 * the engine never calls them. Worst first. Pure.
 */
export function bottlenecks(records: OrgRecords, limits: Pick<AnalysisLimits, 'waitTurns'>): Bottleneck[] {
  const people = new Set(records.agents.filter((agent) => agent.isHuman).map((agent) => agent.name));
  const members = new Set(records.agents.map((agent) => agent.name));
  const readAt = new Map<string, number>();
  const seen = (key: string, turn: number): void => {
    const known = readAt.get(key);
    if (known === undefined || turn < known) readAt.set(key, turn);
  };
  for (const [agent, turns] of records.activity) for (const [turn, done] of turns) for (const id of done.read) seen(pairKey(agent, id), turn);
  for (const message of records.messages) if (message.replyTo !== undefined) seen(pairKey(message.from, message.replyTo), message.turn);

  const found = new Map<string, Bottleneck & { waitingTurns: Set<number> }>();
  for (const message of records.messages) {
    if (people.has(message.to) || !members.has(message.to)) continue;
    if (records.edges && !records.edges.has(pairKey(message.from, message.to))) continue;
    const available = message.turn + 1;
    const read = readAt.get(pairKey(message.to, message.id));
    const until = read !== undefined && read >= available ? read : records.turn + 1;
    const waited = until - available;
    if (waited <= 0) continue;
    let entry = found.get(message.to);
    if (!entry) found.set(message.to, (entry = { agent: message.to, longestWait: 0, message: message.id, turnsWithMailWaiting: 0, stillWaiting: 0, waitingTurns: new Set() }));
    for (let turn = available; turn < until; turn += 1) entry.waitingTurns.add(turn);
    if (waited > entry.longestWait) {
      entry.longestWait = waited;
      entry.message = message.id;
    }
    if (until === records.turn + 1) entry.stillWaiting += 1;
  }
  return [...found.values()]
    .filter((entry) => entry.longestWait >= limits.waitTurns)
    .map(({ waitingTurns, ...entry }) => ({ ...entry, turnsWithMailWaiting: waitingTurns.size }))
    .sort((left, right) => right.longestWait - left.longestWait || (left.agent < right.agent ? -1 : 1));
}
