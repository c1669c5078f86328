/**
 * The ring both sides of the peers section run: N agents, each step every agent reads its mail
 * and sends one message to the next. What a message says is the step it was sent in and who sent
 * it, so the messages a run left, and the calls the stand-in model answered, can be counted by
 * (agent, step) whoever ran them.
 */

/** The ring's agent at `index`: agent_0000, agent_0001, … */
export function ringAgent(index: number): string {
  return `agent_${String(index).padStart(4, '0')}`;
}

export function ringAgents(count: number): string[] {
  return Array.from({ length: count }, (_, index) => ringAgent(index));
}

/** A message's body: the step it was sent in and its sender. */
export function ringText(step: number, from: string): string {
  return `Ring step ${step} from ${from}.`;
}

/** The highest step a text's ring messages carry (0 when none does: the first mail is step 0). */
export function ringStepOf(text: string): number {
  let highest = 0;
  for (const match of text.matchAll(/Ring step (\d+) from /g)) highest = Math.max(highest, Number(match[1]));
  return highest;
}

/** Every ring message a text holds, as (from, step). */
export function ringMessagesIn(text: string): Array<{ from: string; step: number }> {
  return [...text.matchAll(/Ring step (\d+) from ([A-Za-z0-9_]+)\./g)].map((match) => ({ from: match[2] as string, step: Number(match[1]) }));
}

/** What a fork adds to the one message it changes, so the stand-in model can say the change reached the next step's prompt. */
export const FORK_CHANGE = '(changed in the fork)';
