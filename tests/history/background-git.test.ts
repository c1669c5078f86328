import { mkdtempSync, rmSync } from 'node:fs';
import { getPriority } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { BACKGROUND_NICENESS, git } from '../../src/history/git.js';

const made: string[] = [];
afterEach(() => {
  for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** The nice value of what git starts, as git's alias shell sees it (field 19 of /proc/self/stat: `cut`'s own, inherited). */
async function niceOfWhatGitStarts(background: boolean): Promise<number> {
  const gitDir = mkdtempSync(join(tmpdir(), 'lemming-background-git-'));
  made.push(gitDir);
  await git({ gitDir }, ['init', '--quiet', '--bare']);
  const out = await git({ gitDir }, ['-c', "alias.nice-of=!cut -d' ' -f19 /proc/self/stat", 'nice-of'], undefined, [], { background });
  return Number(out.toString('utf8').trim());
}

// The packs' upkeep (pack-upkeep.ts) runs `git repack` so: on two cores a repack beside the turns took a core from the
// engine and fast-import, and a run it overlapped cost some 1.65× one it did not. What git starts (repack's
// pack-objects) inherits the priority.
test.runIf(process.platform === 'linux')('a background git, and what it starts, run at the lowest CPU priority; any other git at lemming\'s', async () => {
  expect(await niceOfWhatGitStarts(true)).toBe(BACKGROUND_NICENESS);
  expect(await niceOfWhatGitStarts(false)).toBe(getPriority());
});
