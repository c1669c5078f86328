import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { EXIT, LemmingError } from '../errors.js';
import { forgetAtNextCommand } from '../invocation.js';
import { fileMeant } from './temporary-files.js';

/** What a StorageError is about: no room (a full disk or quota), a read-only file system, a disk that fails, or a folder (or a record) of the org that lies outside it. */
export type StorageErrorCode = 'storage-full' | 'storage-read-only' | 'storage-failed' | 'storage-outside';

/**
 * Not a system's code: a folder the org keeps its own files in (an agent's outbox, memory, logs) is
 * a symbolic link that leads out of the org (org/own-folders.ts), so lemming neither reads nor writes
 * through it. Its StorageError names the folder (`file`) and where it leads (`leadsTo`).
 */
const LEADS_OUT_ERRNO = 'ELEADSOUT';

/** The system's codes that mean the org's storage, not the file or the caller, is at fault; what each says and asks. */
const FAULTS: Record<string, { code: StorageErrorCode; what: (place: string) => string; todo: string }> = {
  ENOSPC: { code: 'storage-full', what: (place) => `the disk holding ${place} is full`, todo: 'free some space and run again' },
  EDQUOT: { code: 'storage-full', what: (place) => `the disk quota for ${place} is used up`, todo: 'free some space or raise the quota and run again' },
  EROFS: { code: 'storage-read-only', what: (place) => `the file system holding ${place} is read-only`, todo: 'make it writable and run again' },
  EIO: { code: 'storage-failed', what: (place) => `the disk holding ${place} could not write`, todo: 'check the disk, then run again' },
  // Not a system's code: a record lemming appends to or cuts is a link (write-bytes.ts, openOwnFile; linkedRecordError).
  ELINKED: {
    code: 'storage-outside',
    what: (place) => `a file lemming keeps in ${place} is a symbolic link`,
    todo: 'lemming appends to and cuts its own records only where they are, never through a link that may lead out of the org: put the file itself there (remove the link, restore the file) and run again',
  },
  // Not a system's code: a record lemming appends to or cuts is a pipe (write-bytes.ts, openOwnFile; notFileRecordError).
  ENOTFILE: {
    code: 'storage-failed',
    what: (place) => `a file lemming keeps in ${place} is a pipe, not a regular file`,
    todo: 'lemming appends to and cuts its own records only in files of its own, never waiting on a pipe: move it away (restore the file if you kept it) and run again',
  },
};

/**
 * Why the folder `folder` of the org, which leads to `leadsTo`, is not used, and what to do: what its StorageError says after its name, and `lemming validate`.
 * `intoAgent`: it leads into another agent's folder inside the org (`leadsTo` relative to the root), not out of the org.
 */
export function leadsOutReason(folder: string, leadsTo: string, intoAgent = false): string {
  const what = intoAgent
    ? `to ${leadsTo}, another agent's folder: an agent's mail, notes, memory and logs are its own, and lemming neither reads nor writes them through a link into another agent's folder`
    : `to ${leadsTo}, outside the org: lemming keeps an agent's mail, notes, memory and logs only inside its org, and neither reads nor writes them through a link that leads out`;
  return `is a symbolic link (or lies below one) ${what}; replace it with a folder (\`rm ${folder} && mkdir ${folder}\`, moving in what you mean to keep) and run again`;
}

/**
 * A write failed because of the org's storage: the disk is full (ENOSPC, EDQUOT), read-only
 * (EROFS) or failing (EIO), or a folder the org keeps its files in leads out of it
 * (LEADS_OUT_ERRNO, with `leadsTo`). Not any one agent's fault, nor a model's: the run stops with
 * this one line and exit code 5, and the next run, once the disk (or the folder) is mended,
 * finishes what was stopped. Made by `asStorageError`, where writes fail (the write layer in this
 * folder), and by the look at an agent's folders (org/own-folders.ts).
 */
export class StorageError extends LemmingError {
  /** The system's code: ENOSPC, EDQUOT, EROFS or EIO; or LEADS_OUT_ERRNO. */
  readonly errno: string;
  /** The org root the file is in (the file's folder when it is in none), and the file, relative to it. */
  readonly place: string;
  readonly file: string | undefined;
  /** For LEADS_OUT_ERRNO: where the folder `file` leads, outside the org (or, with `intoAgent`, into another agent's folder). */
  readonly leadsTo: string | undefined;
  readonly intoAgent: boolean;

  constructor(errno: string, place: string, file: string | undefined, options: { duringTurn?: boolean; cause?: unknown; leadsTo?: string; intoAgent?: boolean } = {}) {
    const fault = FAULTS[errno] ?? (FAULTS.EIO as (typeof FAULTS)[string]);
    const writing = file === undefined ? errno : `${errno} writing ${file}`;
    const then = options.duringTurn ? ': the turn resumes where it stopped' : '';
    const said = options.leadsTo === undefined ? `${fault.what(place)} (${writing}); ${fault.todo}` : `${file ?? place} ${leadsOutReason(file ?? place, options.leadsTo, options.intoAgent)}`;
    super(options.leadsTo === undefined ? fault.code : 'storage-outside', `${said}${then}`, { exitCode: EXIT.storage, cause: options.cause });
    this.name = 'StorageError';
    this.errno = errno;
    this.place = place;
    this.file = file;
    this.leadsTo = options.leadsTo;
    this.intoAgent = options.intoAgent === true;
  }

  /** The same failure, told as a turn's: the turn stays journaled, and the next run resumes it. */
  duringTurn(): StorageError {
    return new StorageError(this.errno, this.place, this.file, { duringTurn: true, cause: this.cause, ...(this.leadsTo === undefined ? {} : { leadsTo: this.leadsTo, intoAgent: this.intoAgent }) });
  }
}

/**
 * The StorageError of a folder of the org at `root` (`folder`, relative to it) that leads out of it,
 * to `leadsTo` (or into another agent's folder, `intoAgent`); kept as this process's last failure of storage (storageFailure), so a writer that
 * swallows it does not let the turn go on as if its files were kept.
 */
export function leadsOutError(root: string, folder: string, leadsTo: string, intoAgent = false): StorageError {
  latest = new StorageError(LEADS_OUT_ERRNO, root, folder, { leadsTo, intoAgent });
  return latest;
}

/**
 * The StorageError of a file lemming appends to or cuts (`path`) that is a symbolic link; kept as
 * this process's last failure of storage, as leadsOutError's is. Only the opener of those files makes
 * it: an ELOOP elsewhere (a tool's open in a workspace) is that caller's to handle.
 */
export function linkedRecordError(path: string, cause: unknown): StorageError {
  const root = orgRootOf(path);
  latest = new StorageError('ELINKED', root ?? dirname(path), relative(root ?? dirname(path), path), { cause });
  return latest;
}

/** The StorageError of a file lemming appends to or cuts (`path`) that is a pipe, kept as linkedRecordError's is. */
export function notFileRecordError(path: string): StorageError {
  const root = orgRootOf(path);
  latest = new StorageError('ENOTFILE', root ?? dirname(path), relative(root ?? dirname(path), path));
  return latest;
}

/** The org root a file lies in: the nearest folder above it that holds `org/org.yaml` (asked only when a write failed). */
function orgRootOf(path: string): string | undefined {
  for (let folder = dirname(path); ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'org', 'org.yaml'))) return folder;
    if (dirname(folder) === folder) return undefined;
  }
}

/** The last failure of storage in this process: see storageFailure. */
let latest: StorageError | undefined;
forgetAtNextCommand(() => {
  latest = undefined;
});

/**
 * The StorageError for what a write threw, or undefined when the error is something else (a
 * missing folder, permissions, a name that is a folder: those stay the caller's to handle).
 * `target` is the file as the caller named it (not its temporary), for the one line.
 */
export function asStorageError(error: unknown, target?: string): StorageError | undefined {
  if (error instanceof StorageError) return error;
  const failure = error as NodeJS.ErrnoException | undefined;
  const errno = failure?.code;
  if (typeof errno !== 'string' || FAULTS[errno] === undefined) return undefined;
  const path = target ?? failure?.path;
  const root = path === undefined ? undefined : orgRootOf(path);
  const place = root ?? (path === undefined ? 'the org' : dirname(path));
  latest = new StorageError(errno, place, path === undefined ? undefined : relative(root ?? dirname(path), path), { cause: error });
  return latest;
}

/** What a write threw, as it goes on: a StorageError for a failure of storage, otherwise the error itself. */
export function classified(error: unknown, target: string): unknown {
  return asStorageError(error, target) ?? error;
}

/**
 * At a place that turns a failed write into something gentler (an error for one agent, a tool's
 * result, a warning): a failure of storage is not gentled, it goes on up and stops the run.
 */
export function throwIfStorageFailure(error: unknown): void {
  const storage = asStorageError(error);
  if (storage) throw storage;
}

export function isStorageError(error: unknown): error is StorageError {
  return error instanceof StorageError;
}

/**
 * The last failure of storage this process met since `forgetStorageFailure`, even one a caller
 * swallowed (a cache, a trace). The journal takes no record after one (record/journal.ts), so a
 * step whose tool met a full disk is never journaled as done, whatever caught the error on the way.
 */
export function storageFailure(): StorageError | undefined {
  return latest;
}

/** A new engine starts afresh: whether the disk has room now, its first write will tell. */
export function forgetStorageFailure(): void {
  latest = undefined;
}

/** What the system refuses a user who may not write there. */
const DENIED = new Set(['EACCES', 'EPERM']);

/** What each call the system refused was doing, in a person's words. */
const VERBS: Record<string, string> = { mkdir: 'make', rmdir: 'remove', unlink: 'remove', rm: 'remove', scandir: 'read', opendir: 'read', read: 'read' };

/**
 * The line for a file or folder the system would not let this user write (EACCES, EPERM): the
 * file meant (not its temporary) and what to do; undefined for any other error. Not a failure of
 * the disk (storage-error.ts) nor a bug: the same command works for a user who may write there.
 */
export function deniedAccessLine(error: unknown): string | undefined {
  const failure = error as NodeJS.ErrnoException | undefined;
  if (typeof failure?.code !== 'string' || !DENIED.has(failure.code) || typeof failure.path !== 'string') return undefined;
  const verb = (failure.syscall === undefined ? undefined : VERBS[failure.syscall]) ?? 'write';
  return `no permission to ${verb} ${fileMeant(failure.path)} (${failure.code}): run lemming as a user who may write the org's folders, or give this one that permission (chown or chmod)`;
}
