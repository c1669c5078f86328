import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildOrg } from '../../bench/build-org.js';
import { CLI } from '../helpers/cli.js';
import { tempDir } from '../helpers/org-files.js';

const hasStrace = spawnSync('strace', ['-V']).status === 0;
const MEMBERS = 10;

/** The message files under an outbox that a run of the CLI opened, one line of the trace each. */
function outboxOpens(root: string, args: string[]): { stdout: string; opens: string[] } {
  const trace = join(tempDir('lemming-status-list-reads-trace-'), 'trace.txt');
  const run = spawnSync('strace', ['-f', '-qq', '-e', 'trace=open,openat', '-o', trace, process.execPath, CLI, '--root', root, ...args], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  const opens = readFileSync(trace, 'utf8')
    .split('\n')
    .filter((line) => /open(at)?\([^"]*"[^"]*\/outbox\/[^"]+\.md"/.test(line) && !/ENOENT/.test(line));
  return { stdout: run.stdout, opens };
}

describe.runIf(hasStrace)('lemming status in an org whose members write to each other only through their list', () => {
  test('decides each waiting post from the list file and the chart: it opens no message file, and counts every post unread', { timeout: 120_000 }, () => {
    const root = tempDir('lemming-status-list-reads-');
    // One list of ten, no member with a chart edge to another: a post reaches the others through the list alone.
    buildOrg(root, { agents: MEMBERS, history: 0, withMail: 0, listSize: MEMBERS });
    const names = Array.from({ length: MEMBERS }, (_, index) => `agent_000${index}`);
    writeFileSync(join(root, 'org', 'chart.yaml'), `agents:\n${names.map((name) => `  ${name}:\n    send_to: [list_00000]\n    read_from: []\n`).join('')}`);
    for (let index = 0; index < MEMBERS; index += 1) {
      const sent = spawnSync(process.execPath, [CLI, '--root', root, 'send', '--from', `agent_000${index}`, 'list_00000', `post ${index} about the plan`], { encoding: 'utf8' });
      expect(sent.status, sent.stderr).toBe(0);
    }
    // Out of credits, each member keeps the nine posts of the others waiting past the turn that takes them in.
    for (const name of names) {
      const resume = join(root, 'agents', name, 'resume.md');
      writeFileSync(resume, readFileSync(resume, 'utf8').replace('credits: 1000000', 'credits: 0'));
    }
    const run = spawnSync(process.execPath, [CLI, '--root', root, 'run-once'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('agent_0000 skipped: out of credits');
    const status = outboxOpens(root, ['status', '--json']);
    const agents = (JSON.parse(status.stdout) as { agents: Array<{ name: string; unread: number; refusedWhenRead?: number }> }).agents.filter((agent) => agent.name !== 'human');
    expect(agents).toHaveLength(MEMBERS);
    expect(agents.map((agent) => agent.unread)).toEqual(names.map(() => MEMBERS - 1));
    expect(agents.filter((agent) => agent.refusedWhenRead !== undefined)).toEqual([]);
    expect(status.opens).toEqual([]);
  });
});
