import { EXIT, LemmingError } from '../errors.js';

/**
 * The queue's packages (bullmq, ioredis, and what they pull in: msgpackr and its native codec)
 * are optional dependencies: an install without them (`npm install --omit=optional`) runs every
 * command but the queue's. Every module that imports them is loaded through here, so a missing
 * one is said in one way: which package, and the command that installs it.
 */

/** What installs the queue's packages. */
export const QUEUE_INSTALL = 'npm install bullmq ioredis';

/** The package a failed import could not find, when that is why it failed. */
function missingPackage(error: unknown): string | undefined {
  if (!(error instanceof Error) || (error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') return undefined;
  return /Cannot find package '([^']+)'/.exec(error.message)?.[1];
}

/**
 * A queue module, imported when the queue is first used (`--queue`, org.yaml `engine.queue`,
 * `lemming worker`). A package missing from the install is a LemmingError naming it and how to
 * install it; any other failure is thrown as it is.
 */
export async function importQueueModule<Module>(load: () => Promise<Module>): Promise<Module> {
  try {
    return await load();
  } catch (error) {
    const name = missingPackage(error);
    if (name === undefined) throw error;
    throw new LemmingError(
      'queue-packages-missing',
      `the queue needs the package "${name}", which is not installed (the queue's packages are optional dependencies): run \`${QUEUE_INSTALL}\` in lemming's folder, or run without --queue (and without org.yaml engine.queue)`,
      { exitCode: EXIT.usage, cause: error },
    );
  }
}
