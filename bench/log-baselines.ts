import { readOrgRecords } from '../src/analysis/records/read-records.js';
import { runCalls } from '../src/blame/candidate-steps.js';
import type { CandidateStep } from '../src/blame/candidate-steps.js';
import { loadOrg } from '../src/org/load-org-once.js';

/**
 * What a person could name as the faulty step by reading a failed run's files, with no fork: the
 * baselines blame is held beside on the same runs (lemming issue 74). Each names a step (a call: its
 * turn and agent); its agent is the step's.
 */

/** The last agent to act: the run's last call (its latest turn; among that turn's calls, the last by name). */
export function lastToAct(root: string): CandidateStep | undefined {
  const last = runCalls(root).calls.at(-1);
  return last === undefined ? undefined : { turn: last.turn, agent: last.agent };
}

/** What each call wrote: its messages, recipient and body, in one string a call. */
function outputs(root: string): Map<string, string> {
  const byCall = new Map<string, string[]>();
  for (const message of readOrgRecords(loadOrg(root).org).messages) {
    const key = `${message.turn} ${message.from}`;
    byCall.set(key, [...(byCall.get(key) ?? []), `${message.to}\n${message.body}`]);
  }
  return new Map([...byCall].map(([key, written]) => [key, written.sort().join('\n---\n')]));
}

/**
 * The first step whose output differs from a passing run's: the failed run's calls oldest first
 * (turn, then agent), the first whose messages are not the ones the passing run's call of the same
 * agent in the same turn wrote (or that the passing run did not make). Undefined where none differs.
 */
export function firstDifference(failed: string, passing: string): CandidateStep | undefined {
  const mine = outputs(failed);
  const theirs = outputs(passing);
  for (const call of runCalls(failed).calls) {
    const key = `${call.turn} ${call.agent}`;
    if ((mine.get(key) ?? '') !== (theirs.get(key) ?? '')) return { turn: call.turn, agent: call.agent };
  }
  return undefined;
}
