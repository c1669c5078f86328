import { unlinkSync } from 'node:fs';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import { isRunning, ownStartTicks } from '../../process-liveness.js';
import { LockedError, takeLockFile, type OrgLock } from './lock.js';
import { statePaths } from './state-paths.js';
import { readSavedJson } from '../../storage/read-own-file.js';

/**
 * The turn gate, `org/state/lock.turn`: a second lock, beside the org's, that the engine holds
 * from the start of a turn (carrying out approvals included) until the turn has committed, and
 * that a copier (`lemming backup`, `lemming export`) holds while it copies the org. The engine
 * holds the org's lock for a whole run, so a copier cannot take that one; it takes this one,
 * which is free exactly between turns, and the engine waits at the gate for the copy to finish
 * before it writes again. A copy made under the gate therefore holds whole turns only.
 *
 * A copier waiting says so in `lock.turn.wanted`; an engine about to take the gate for its next
 * turn lets it through first, or a run whose turns follow each other at once would never leave
 * the gate free long enough. Holders and waiters that died are recovered (lock.ts).
 */

/** How long a waiter sleeps between looks at a gate held by another process. */
const LOOK_EVERY_MS = 20;

function refusal(holder: { command: string; started: string }, where: string): string {
  return `the org's turn gate is held by ${where} (\`lemming ${holder.command}\`, since ${holder.started})`;
}

function wantedPath(root: string): string {
  return `${statePaths(root).turnGate}.wanted`;
}

/** Take the gate now, or undefined when a live process holds it. */
function tryTurnGate(root: string, command: string): OrgLock | undefined {
  try {
    return takeLockFile(statePaths(root).turnGate, command, refusal);
  } catch (error) {
    if (error instanceof LockedError) return undefined;
    throw error;
  }
}

/** Whether another live process waits to copy the org (see `lock.turn.wanted`). */
function copierWaiting(root: string): boolean {
  const waiter = readSavedJson<{ pid: number; pidStart?: number }>(wantedPath(root));
  if (typeof waiter?.pid !== 'number') return false;
  return waiter.pid !== process.pid && isRunning(waiter.pid, waiter.pidStart);
}

/** The engine's way in: wait while a copier copies, or waits to, then hold the gate for a turn. */
export async function enterTurnGate(root: string, command: string): Promise<OrgLock> {
  for (;;) {
    const gate = copierWaiting(root) ? undefined : tryTurnGate(root, command);
    if (gate) return gate;
    await new Promise((resolve) => setTimeout(resolve, LOOK_EVERY_MS));
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** The same, for a caller that cannot wait asynchronously (opening an engine): the thread sleeps between looks. */
export function enterTurnGateSync(root: string, command: string): OrgLock {
  for (;;) {
    const gate = copierWaiting(root) ? undefined : tryTurnGate(root, command);
    if (gate) return gate;
    Atomics.wait(sleeper, 0, 0, LOOK_EVERY_MS);
  }
}

/** A copier's way in: say it waits (so a running engine lets it through at its next turn boundary), then hold the gate. */
export async function enterTurnGateToCopy(root: string, command: string): Promise<OrgLock> {
  const first = tryTurnGate(root, command);
  if (first) return first;
  const pidStart = ownStartTicks();
  writeFileAtomic(wantedPath(root), JSON.stringify({ pid: process.pid, ...(pidStart === undefined ? {} : { pidStart }) }));
  try {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, LOOK_EVERY_MS));
      const gate = tryTurnGate(root, command);
      if (gate) return gate;
    }
  } finally {
    try {
      unlinkSync(wantedPath(root));
    } catch {
      // Gone already.
    }
  }
}
