import { LockedError, takeLockFile, type OrgLock } from './lock.js';
import { statePaths } from './state-paths.js';

/**
 * The turn gate, `org/state/lock.turn`: a second lock, beside the org's, that the engine holds
 * from the start of a turn (carrying out approvals included) until the turn has committed, and
 * that `lemming backup` holds while it copies the org. The engine holds the org's lock for a whole
 * run, so a copier cannot take that one; it takes this one, which is free exactly between turns,
 * and the engine waits at the gate for the copy to finish before it writes again. A copy made
 * under the gate therefore holds whole turns only. A holder that died is recovered as the org's
 * lock is (lock.ts).
 */

/** How long a waiter sleeps between looks at a gate held by another process. */
const LOOK_EVERY_MS = 20;

function refusal(holder: { command: string; started: string }, where: string): string {
  return `the org's turn gate is held by ${where} (\`lemming ${holder.command}\`, since ${holder.started})`;
}

/** Take the gate now, or undefined when a live process holds it. */
export function tryTurnGate(root: string, command: string): OrgLock | undefined {
  try {
    return takeLockFile(statePaths(root).turnGate, command, refusal);
  } catch (error) {
    if (error instanceof LockedError) return undefined;
    throw error;
  }
}

/** Take the gate, waiting while another process holds it (a backup copying between turns). */
export async function enterTurnGate(root: string, command: string): Promise<OrgLock> {
  for (;;) {
    const gate = tryTurnGate(root, command);
    if (gate) return gate;
    await new Promise((resolve) => setTimeout(resolve, LOOK_EVERY_MS));
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** The same, for a caller that cannot wait asynchronously (opening an engine): the thread sleeps between looks. */
export function enterTurnGateSync(root: string, command: string): OrgLock {
  for (;;) {
    const gate = tryTurnGate(root, command);
    if (gate) return gate;
    Atomics.wait(sleeper, 0, 0, LOOK_EVERY_MS);
  }
}
