import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { LemmingError } from '../errors.js';
import { createFileAtomic } from '../storage/atomic-write.js';
import { readOwnFile } from '../storage/read-own-file.js';
import { classified, StorageError } from '../storage/storage-error.js';
import { isLeftoverTemporary, ownerRunning } from '../storage/temporary-files.js';
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

const CLAIM_NAME = /^\.\d+-\d+\.claim$/;

/** What a claim holds: whose it is, the process and its thread (temporary-files.ts, ownerRunning). */
const OWNER = `${process.pid} ${threadId}\n`;

/**
 * Whether the claim `name` in `outbox` was left by a process now gone (killed while it held it, as
 * `send` can be): a regular file whose owner no longer runs, or that names none (an older lemming's
 * empty claim). A link, a folder or a pipe of that name is no claim of lemming's, and is left.
 */
function leftoverClaim(outbox: string, name: string): boolean {
  const read = readOwnFile(join(outbox, name), 64);
  if (!('bytes' in read)) return false;
  const owner = /^(\d+) (\d+)\n$/.exec(read.bytes.toString('utf8'));
  return owner === null || !ownerRunning(Number(owner[1]), Number(owner[2]));
}

/**
 * Remove the claims (and lemming's temporaries) that processes now gone left in a person's outbox:
 * every `send` before it claims, and every run as it starts (engine/record/leftover-temporaries.ts).
 * A claim held by a running writer is left to it. Returns how many claims were removed.
 */
export function sweepLeftoverClaims(outbox: string): number {
  // One listing for both (a send lists its outbox twice more: to number its messages, then to check them).
  let names: string[];
  try {
    names = readdirSync(outbox);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (isLeftoverTemporary(name)) removeQuietly(join(outbox, name));
    else if (CLAIM_NAME.test(name) && leftoverClaim(outbox, name)) {
      removeQuietly(join(outbox, name));
      removed += 1;
    }
  }
  return removed;
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
 * Make the claim at `path`, holding its owner, exclusively (written whole, then linked: a kill leaves
 * a temporary the sweep removes, never a claim that names no one). False when another holds it. A
 * failure names the message file the claim was for (`file`): the claim is lemming's own.
 */
function claimOne(path: string, file: string): boolean {
  try {
    return createFileAtomic(path, OWNER);
  } catch (error) {
    const failure = (error instanceof StorageError ? error.cause : error) as NodeJS.ErrnoException;
    // Said of the message file the claim was for (a full disk's line and a denied write's alike).
    if (failure instanceof Error) failure.path = file;
    throw classified(failure, file);
  }
}

/**
 * Claim `count` sequence numbers of `turn` in a person's outbox, from `first` up. A message's id is
 * its turn, sender and number, but its file name adds the recipient, so two processes that list the
 * outbox at once (the dashboard and `lemming send`, two dashboards, an MCP seat) would each take the
 * same number for messages to different people: two files, one id, and every reader keyed by id
 * (the dashboard's list, search, threads, `reply_to`, marking read) saw one of them. Each number
 * is claimed by creating its claim file exclusively, then the outbox is listed once to drop numbers
 * another writer used and released in between; claims are released once the files are written, so
 * a number is taken by one writer, then by its file. Each claim holds its writer's pid and thread, so
 * one left by a writer killed while it held it is removed by the next (sweepLeftoverClaims). A claim that cannot be made (no permission, a
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
    sweepLeftoverClaims(outbox);
    let next = first;
    for (let tries = 0; held.size < count; tries += 1) {
      if (tries > MOST_TRIES) throw new LemmingError('send-failed', `could not find ${count} free message number(s) in ${outbox} after ${MOST_TRIES} tries`);
      if (claimOne(join(outbox, claimName(turn, next)), fileOf(next, held.size))) held.add(next);
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
