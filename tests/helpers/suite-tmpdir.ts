import { accessSync, chmodSync, constants, mkdirSync, readdirSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

/*
 * The suite's temporary folder on the RAM disk: vitest.config.ts gives it to the test processes as
 * TMPDIR (so `tmpdir()`, `tempDir` and every process a test starts write there), and this file, a
 * vitest global setup run in vitest's own process, makes it before the first file and removes it
 * after the last. On this machine's disk (ext4, mounted with `discard`) making, copying and
 * removing a test's org costs several times the system CPU it costs in memory, and far more time
 * while other files write; where the disk is the subject, the file keeps it (vitest.config.ts, ON_DISK).
 */

/**
 * `/dev/shm/lemming-suite-<pid of vitest>` when /dev/shm is there, writable and has room for the
 * suite's orgs (a container's is often 64 MB): 2 GiB free; else undefined, and the tests keep the
 * system's temporary folder. One folder a run, so that a run removes what it made, and only that.
 */
export function ramDiskTmpdir(): string | undefined {
  try {
    accessSync('/dev/shm', constants.W_OK);
    const { bavail, bsize } = statfsSync('/dev/shm');
    return bavail * bsize >= 2 * 1024 ** 3 ? join('/dev/shm', `lemming-suite-${process.pid}`) : undefined;
  } catch {
    return undefined;
  }
}

/** Global setup of a project given TMPDIR on the RAM disk: the folder made, then removed when the run ends. */
export default function setup(project: TestProject): () => void {
  const folder = project.config.env.TMPDIR;
  if (folder === undefined) throw new Error(`tests/helpers/suite-tmpdir.ts: the project ${project.name} has no TMPDIR in its env (vitest.config.ts)`);
  mkdirSync(folder, { recursive: true });
  // As /tmp is: a test may run a process as another user (nobody) that makes its temporary files here too.
  chmodSync(folder, 0o1777);
  return () => {
    // What a test left behind is said before it goes, so a leak is seen rather than swept away with the folder.
    let left: string[] = [];
    try {
      left = readdirSync(folder);
    } catch {
      // Removed already: both projects on the RAM disk share the folder, and the other one's teardown came first.
    }
    if (left.length > 0) console.warn(`${left.length} temporary file(s) or folder(s) left by tests in ${folder}, now removed: ${left.slice(0, 10).join(', ')}${left.length > 10 ? ', ...' : ''}`);
    rmSync(folder, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
  };
}
