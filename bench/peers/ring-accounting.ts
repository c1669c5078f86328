/**
 * What a run of the ring got right, counted from what it left and what the model answered:
 * each agent must have sent exactly one message in each of the steps, and the model should have
 * been asked once for each. Pure; the peers section and its test count with it.
 */
export interface RingAccount {
  /** (agent, step) pairs with no message. */
  lost: number;
  /** Messages beyond the first for an (agent, step). */
  repeated: number;
  /** Calls beyond the first for an (agent, step): the model asked again for an answer it had given. */
  callsTwice: number;
  /** Every call counted. */
  calls: number;
}

const key = (agent: string, step: number) => `${agent}@${step}`;

function tally(items: ReadonlyArray<{ agent: string; step: number }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item.agent, item.step), (counts.get(key(item.agent, item.step)) ?? 0) + 1);
  return counts;
}

/**
 * `messages` are those the run left with their sender and step, `calls` those the model answered;
 * steps `first`..`last` of every agent are expected.
 */
export function accountRing(
  agents: readonly string[],
  steps: { first: number; last: number },
  messages: ReadonlyArray<{ agent: string; step: number }>,
  calls: ReadonlyArray<{ agent: string; step: number }>,
): RingAccount {
  const sent = tally(messages);
  let lost = 0;
  let repeated = 0;
  for (const agent of agents) {
    for (let step = steps.first; step <= steps.last; step += 1) {
      const count = sent.get(key(agent, step)) ?? 0;
      if (count === 0) lost += 1;
      else repeated += count - 1;
    }
  }
  let callsTwice = 0;
  for (const count of tally(calls).values()) callsTwice += count - 1;
  return { lost, repeated, callsTwice, calls: calls.length };
}
