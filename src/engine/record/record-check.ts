import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, LemmingError } from '../../errors.js';
import { messageId, parseMessageFileName } from '../../mailbox/message.js';
import { readRegularFile } from '../../storage/read-regular-file.js';
import { outboxPath } from '../../mailbox/message-file.js';
import { isMessageFileName } from '../../mailbox/outbox-scan.js';
import type { Org } from '../../org/org.js';
import type { EngineState } from './engine-state.js';
import { agentPaths, statePaths } from './state-paths.js';

/** Mail from earlier turns found in outboxes: how much, up to which turn, and one example. */
export interface HistoryFound {
  files: number;
  lastTurn: number;
  example?: string;
  /** At least one of the files carries the id lemming gave it when it wrote it: the org has run. */
  written: boolean;
}

/**
 * Count the files in every agent's outbox that lemming named for a turn after 0, leaving out
 * those of `unfinished`: the turn a crash interrupted, which the next run finishes.
 */
export function findHistory(root: string, agents: Iterable<string>, unfinished?: number): HistoryFound {
  const found: HistoryFound = { files: 0, lastTurn: 0, written: false };
  for (const agent of agents) {
    let names: string[];
    try {
      names = readdirSync(agentPaths(root, agent).outbox);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!isMessageFileName(name)) continue;
      const named = parseMessageFileName(name);
      const turn = named?.turn ?? 0;
      if (!named || turn < 1 || turn === unfinished) continue;
      found.files += 1;
      found.written ||= carriesId(join(agentPaths(root, agent).outbox, name), messageId(turn, agent, named.seq));
      if (turn > found.lastTurn) {
        found.lastTurn = turn;
        found.example = `${outboxPath(agent)}/${name}`;
      }
    }
  }
  return found;
}

/**
 * Refuse to run an org whose outboxes hold mail from earlier turns while its record is
 * missing or cut short (copied or cloned without `org/state`): running would deliver
 * that mail again, or skip it. `lemming adopt` takes it as history.
 */
export function checkRecord(root: string, org: Org, state: EngineState, takenSize: number, unfinished: number | undefined): void {
  const paths = statePaths(root);
  if (!existsSync(paths.state)) {
    const history = findHistory(root, org.agents.keys(), unfinished);
    // Files only named like lemming's, with no id of lemming's in them, were put there by a person: new mail.
    if (!history.written) return;
    throw new LemmingError(
      'no-record',
      `org/state/engine.json is missing, but the outboxes hold ${history.files} message file(s) from turns 1 to ${history.lastTurn} ` +
        `(for example ${history.example ?? ''}). This org was copied or cloned without its record (org/state), so running it ` +
        'would deliver that mail again. Restore org/state from where the org came from, or run `lemming adopt` to take the mail ' +
        `as history and go on from turn ${history.lastTurn + 1}.`,
      { exitCode: EXIT.record },
    );
  }
  if (takenSize < state.takenBytes) {
    throw new LemmingError(
      'record-cut',
      `org/state/taken.jsonl holds ${takenSize} bytes, but org/state/engine.json says the engine had written ${state.takenBytes}: ` +
        'part of the record of which files were taken in is missing, so old mail could be delivered again. Restore the file, ' +
        'or run `lemming adopt` to take all mail now in the outboxes as history.',
      { exitCode: EXIT.record },
    );
  }
}

/** Whether a file's front matter carries the id lemming gives the message it writes under that name. */
function carriesId(path: string, id: string): boolean {
  const read = readRegularFile(path, 4096);
  return 'text' in read && new RegExp(`^id:\\s*${id}\\s*$`, 'm').test(read.text);
}
