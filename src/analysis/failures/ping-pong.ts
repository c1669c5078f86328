import type { AnalysisLimits } from '../analysis-limits.js';
import type { MessageRecord, OrgRecords } from '../records/org-records.js';
import type { PingPong } from '../org-analysis.js';

export type { PingPong };

/**
 * Ping-pong: a pair whose messages alternate A→B, B→A, … at least `pingPongMessages` times while
 * neither brings in anyone or anything new: a call of either one in those turns that also wrote to
 * a third agent (a new recipient) or used a tool that makes something (a file, a command: a result)
 * ends the exchange, and so does a message in the same direction twice. Pure.
 */
export function pingPongs(records: OrgRecords, limits: Pick<AnalysisLimits, 'pingPongMessages'>): PingPong[] {
  const pairs = new Map<string, MessageRecord[]>();
  const recipients = new Map<string, Set<string>>();
  for (const message of records.messages) {
    const pair = [message.from, message.to].sort().join(' ');
    let list = pairs.get(pair);
    if (!list) pairs.set(pair, (list = []));
    list.push(message);
    const call = `${message.turn} ${message.from}`;
    let to = recipients.get(call);
    if (!to) recipients.set(call, (to = new Set()));
    to.add(message.to);
  }
  /** Whether `agent` did more in `turn` than write to `partner`. */
  const progressed = (agent: string, partner: string, turn: number): boolean => {
    if (records.activity.get(agent)?.get(turn)?.madeSomething) return true;
    for (const to of recipients.get(`${turn} ${agent}`) ?? []) if (to !== partner) return true;
    return false;
  };
  const found: PingPong[] = [];
  for (const [pair, messages] of pairs) {
    const [first, second] = pair.split(' ') as [string, string];
    if (first === second) continue;
    let run: MessageRecord[] = [];
    const close = (): void => {
      if (run.length >= limits.pingPongMessages) {
        found.push({ agents: [first, second], messages: run.length, fromTurn: run[0]!.turn, toTurn: run[run.length - 1]!.turn, ids: run.map((message) => message.id) });
      }
      run = [];
    };
    for (const message of messages) {
      const last = run[run.length - 1];
      let brokenBetween = false;
      if (last) {
        for (let turn = last.turn + 1; turn < message.turn && !brokenBetween; turn += 1) brokenBetween = progressed(first, second, turn) || progressed(second, first, turn);
      }
      if (progressed(message.from, message.to, message.turn)) {
        close();
        continue;
      }
      if (!last || brokenBetween || last.from !== message.to || last.turn >= message.turn) close();
      run.push(message);
    }
    close();
  }
  return found.sort((left, right) => right.messages - left.messages || left.fromTurn - right.fromTurn);
}
