import { closeSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LemmingError } from '../errors.js';
import { classified } from '../storage/storage-error.js';
import { removeQuietly } from '../storage/write-bytes.js';
import { padSeq, padTurn, parseMessageFileName } from './message.js';

/** Sequence numbers of one turn in an outbox that this writer alone holds until it releases them. */
export interface SequenceClaims {
  /** The numbers, lowest first: no message file of the turn has one, and no other writer can take one. */
  seqs: number[];
  /** Give back every number still held: once the files are written, their names hold them. */
  releaseAll(): void;
}

/** The most numbers tried for one claim before giving up: a bound, never met by a real outbox. */
const MOST_TRIES = 10_000;

/** `.000012-003.claim`: hidden, and no message file name (outbox-scan, `validate` and the index pass it by). */
function claimName(turn: number, seq: number): string {
  return `.${padTurn(turn)}-${padSeq(seq)}.claim`;
}

/** The sequence numbers of the turn's message files in the outbox, from one listing of it. */
function usedIn(outbox: string, turn: number): Set<number> {
  const used = new Set<number>();
  let names: string[];
  try {
    names = readdirSync(outbox);
  } catch (error) {
    throw classified(error, outbox);
  }
  for (const name of names) {
    const parsed = parseMessageFileName(name);
    if (parsed?.turn === turn) used.add(parsed.seq);
  }
  return used;
}

/**
 * Claim `count` sequence numbers of `turn` in a person's outbox, from `first` up. A message's id is
 * its turn, sender and number, but its file name adds the recipient, so two processes that list the
 * outbox at once (the dashboard and `lemming send`, two dashboards, an MCP seat) would each take the
 * same number for messages to different people: two files, one id, and every reader keyed by id
 * (the dashboard's list, search, threads, `reply_to`, marking read) saw one of them. Each number
 * is claimed by creating its claim file exclusively, then the outbox is listed once to drop numbers
 * another writer used and released in between; claims are released once the files are written, so
 * a number is taken by one writer, then by its file. A claim that cannot be made (no permission, a
 * read-only disk) names the message file it was for (`fileOf`, of the number and which of the `count`
 * it is), as a failed send did before claims: the claim is lemming's own, the person's message is not.
 */
export function claimSequences(outbox: string, turn: number, first: number, count: number, fileOf: (seq: number, nth: number) => string): SequenceClaims {
  const held = new Set<number>();
  const release = (seq: number): void => {
    if (held.delete(seq)) removeQuietly(join(outbox, claimName(turn, seq)));
  };
  const releaseAll = (): void => {
    for (const seq of [...held]) release(seq);
  };
  try {
    try {
      mkdirSync(outbox, { recursive: true });
    } catch (error) {
      throw classified(error, outbox);
    }
    let next = first;
    for (let tries = 0; held.size < count; tries += 1) {
      if (tries > MOST_TRIES) throw new LemmingError('send-failed', `could not find ${count} free message number(s) in ${outbox} after ${MOST_TRIES} tries`);
      const path = join(outbox, claimName(turn, next));
      try {
        closeSync(openSync(path, 'wx'));
        held.add(next);
      } catch (error) {
        const failure = error as NodeJS.ErrnoException;
        if (failure.code !== 'EEXIST') {
          // Said of the message file the claim was for (a full disk's line and a denied write's alike): the claim is lemming's own.
          failure.path = fileOf(next, held.size);
          throw classified(failure, failure.path);
        }
      }
      next += 1;
      if (held.size < count) continue;
      // A number another writer took, wrote and released after `first` was found: let it go, claim on.
      const used = usedIn(outbox, turn);
      for (const seq of [...held]) if (used.has(seq)) release(seq);
      for (const seq of used) if (seq >= next) next = seq + 1;
    }
  } catch (error) {
    releaseAll();
    throw error;
  }
  return { seqs: [...held].sort((a, b) => a - b), releaseAll };
}
