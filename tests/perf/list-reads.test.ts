import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildOrg } from '../../bench/build-org.js';
import { CLI } from '../helpers/cli.js';
import { tempDir } from '../helpers/org-files.js';

const hasStrace = spawnSync('strace', ['-V']).status === 0;
const MEMBERS = 10;

describe.runIf(hasStrace)('posts to a list read in one turn, its file looked at', () => {
  test('once for the plan, not once for each member reading each post', { timeout: 120_000 }, () => {
    const root = tempDir('lemming-list-reads-');
    // One list of ten, each member with a post to it waiting: 90 posts read in the turn (nine for each member).
    buildOrg(root, { agents: MEMBERS, history: 0, withMail: 0, listSize: MEMBERS });
    for (let index = 0; index < MEMBERS; index += 1) {
      const sent = spawnSync(process.execPath, [CLI, '--root', root, 'send', '--from', `agent_000${index}`, 'list_00000', `post ${index} about the plan`], { encoding: 'utf8' });
      expect(sent.status, sent.stderr).toBe(0);
    }
    const trace = join(tempDir('lemming-list-reads-trace-'), 'trace.txt');
    const run = spawnSync('strace', ['-f', '-qq', '-e', 'trace=%file', '-o', trace, process.execPath, CLI, 'run-once', '--root', root], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`${MEMBERS} agent(s) at work`);
    const looks = readFileSync(trace, 'utf8')
      .split('\n')
      .filter((line) => /statx\([^"]*"[^"]*\/org\/lists\/list_00000\.yaml"/.test(line)).length;
    // Each waiting post is read under the list as it is now (org/lists/recipients.ts, readerProblem): the list is
    // looked at once for the plan (listsOfOnePlan). Before, once for each post each member read: 290 looks, where the
    // rest of the run (the posts the members write and their sends checked against the list) makes 201.
    expect(looks).toBeLessThanOrEqual(210);
  });
});
