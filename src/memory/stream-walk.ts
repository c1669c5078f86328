import type { EntryStat } from '../storage/stat-ahead.js';
import { closeQuietly, entryPath, openBase } from '../sandbox/beneath/open-beneath.js';
import { UNBOUNDED, walkBeneath } from '../sandbox/beneath/walk-beneath.js';
import { isStreamName, type LeftOut } from './saved-index.js';

/** A memory file is read up to this size; a longer one (a person's) is read cut. */
export const MAX_MEMORY_BYTES = 64 * 1024;
/**
 * The most files of a stream a look takes, the newest (by name: lemming's names begin with their turn),
 * and the most bytes of them (each counted up to MAX_MEMORY_BYTES): what is older is left out, and
 * said (streamLeftOutText). An agent writes a few memories a turn, so 5,000 is some thousand turns of
 * a busy one; a folder of 20,000 files, or of a thousand 1 MB files, costs a look no more than these.
 */
export const MAX_STREAM_FILES = 5_000;
export const MAX_STREAM_BYTES = 16 * 1024 * 1024;

/** One file of the stream a walk takes. */
export interface StreamFile {
  name: string;
  stat: EntryStat;
  /** The kernel's name for it, in the folder the walk holds open: read it by this, while the visit lasts. */
  path: string;
  /** Set when it is no memory file to read (a link, a folder), and why. */
  problem?: string;
}

/**
 * Walk an agent's stream folder through the one bounded walker (walk-beneath.ts), newest name first:
 * its `.md` files, a link or a folder among them met as a problem and never followed, at most
 * MAX_STREAM_FILES of them and MAX_STREAM_BYTES of their bytes. Returns what was left out, past
 * those bounds; a folder that is missing or cannot be listed has nothing to visit, nor has one that
 * lies outside the org at `root` (its memory folder linked out of it: never followed).
 */
export function walkStream(folder: string, root: string, visit: (file: StreamFile) => void): LeftOut | undefined {
  const base = openBase(folder, { within: root });
  if ('code' in base) return undefined;
  let bytes = 0;
  let left: LeftOut | undefined;
  try {
    const walked = walkBeneath(
      base.fd,
      { ...UNBOUNDED, depth: 0, entries: MAX_STREAM_FILES },
      (entry) => {
        const path = entryPath(entry.folder, entry.name);
        if (entry.passed !== undefined) {
          visit({ name: entry.name, stat: entry.stat, path, problem: entry.passed === 'link' ? 'is a symbolic link; lemming does not follow links in an agent folder' : 'is not a regular file' });
          return 'skip';
        }
        const size = Math.min(entry.stat.size, MAX_MEMORY_BYTES);
        if (bytes + size > MAX_STREAM_BYTES) {
          left = { reason: 'bytes', from: entry.name };
          return 'stop';
        }
        bytes += size;
        visit({ name: entry.name, stat: entry.stat, path });
        return undefined;
      },
      { leaveOut: (name) => !isStreamName(name), lastFirst: true },
    );
    if (walked.stopped === 'entries') {
      const from = walked.passed.find((passed) => passed.reason === 'entries')?.path;
      left = { reason: 'files', ...(from === undefined ? {} : { from }) };
    }
  } catch {
    // The folder cannot be listed: it holds nothing to read.
  } finally {
    closeQuietly(base.fd);
  }
  return left;
}

/** What a look at an agent's stream left out, said to a person: its folder, the bound, the first file left out. Pure. */
export function streamLeftOutText(folder: string, left: LeftOut): string {
  const bound = left.reason === 'files' ? `the ${MAX_STREAM_FILES.toLocaleString('en-US')} memory files` : `the ${MAX_STREAM_BYTES / 1024 / 1024} MB of memories`;
  return `${folder} holds more than ${bound} a turn reads: the newest are read, and ${left.from === undefined ? 'the older files' : `${left.from} and those before it`} are left out`;
}
