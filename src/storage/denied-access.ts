import { fileMeant } from './temporary-files.js';

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
