import { existsSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { agentName, buildOrg } from '../../bench/build-org.js';
import { builtOrg, step } from '../helpers/built-org.js';
import { lemming } from '../helpers/cli.js';
import { read, write } from '../helpers/temp-org.js';
import { tempDir } from '../helpers/temp-dirs.js';

/**
 * A cold `status` (an org this machine keeps nothing of: a fresh clone, one a program wrote) prints
 * what a status after a whole load prints: the same table, the same problems first, the same exit
 * code, as text and as JSON. Each org is shown cold (its caches removed), then loaded whole by
 * `lemming validate` (which keeps the org settled when it has no error) and shown again.
 */

const ranOrg = builtOrg((root) => {
  step(root, ['bootstrap']);
  step(root, ['send', 'manager', 'Write the release notes', '--subject', 'Release notes']);
  step(root, ['run']);
});

/** More agents than the read ahead's threshold (storage/look-ahead.ts), so a cold read uses its thread; the first ten have mail. */
const WRITTEN_AGENTS = 4_200;

const writtenOrg = builtOrg((root) => {
  buildOrg(root, { agents: WRITTEN_AGENTS, history: 0, withMail: 10 });
});

function removeCaches(root: string): void {
  rmSync(join(root, 'org', 'state', 'cache'), { recursive: true, force: true });
}

/** What a command shows a person: its exit code and both streams. */
function shown(root: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const { status, stdout, stderr } = lemming(root, args);
  return { status, stdout, stderr };
}

/** `status` and `status --json` cold, then after a whole load: both must read the same. */
function coldAndWhole(root: string): { cold: ReturnType<typeof shown>; coldJson: ReturnType<typeof shown> } {
  removeCaches(root);
  const cold = shown(root, ['status']);
  removeCaches(root);
  const coldJson = shown(root, ['status', '--json']);
  lemming(root, ['validate']);
  expect(shown(root, ['status'])).toEqual(cold);
  expect(shown(root, ['status', '--json'])).toEqual(coldJson);
  return { cold, coldJson };
}

describe('a cold status prints what a status after a whole load prints', () => {
  test('the default org after a run', () => {
    const { cold, coldJson } = coldAndWhole(ranOrg());
    expect(cold.status).toBe(0);
    expect(cold.stderr).toBe('');
    expect(cold.stdout).toMatch(/^lemming-default at turn \d+\n/);
    expect(cold.stdout).toMatch(/\nmanager\s+offline\s+0\.49\d\d \/ 0\.5000/);
    expect(cold.stdout).toMatch(/\nhuman\s+human\s+-\s+1\s/);
    expect((JSON.parse(coldJson.stdout) as { agents: unknown[] }).agents).toHaveLength(6);
  });

  test('an org a program wrote, of more agents than a table lists', () => {
    const root = writtenOrg();
    const { cold, coldJson } = coldAndWhole(root);
    expect(cold.status).toBe(0);
    expect(cold.stdout).toMatch(/^bench at turn 2\n/);
    expect(cold.stdout).toContain(`\n${agentName(3)}  bench  1000000.00 / 1000000.00  1`);
    expect(cold.stdout).toContain('and 4,190 more agents with no unread mail');
    expect((JSON.parse(coldJson.stdout) as { agents: unknown[] }).agents).toHaveLength(WRITTEN_AGENTS);
  });

  test('warnings (a folder ignored for its name, a chart entry for nobody) are said first, and the org shown', () => {
    const root = ranOrg();
    write(root, 'agents/Not-An-Agent/resume.md', read(root, 'agents/coder_01/resume.md'));
    write(root, 'org/chart.yaml', `${read(root, 'org/chart.yaml')}  ghost:\n    reports_to: manager\n    send_to: [manager]\n    read_from: [manager]\n`);
    const { cold } = coldAndWhole(root);
    expect(cold.status).toBe(0);
    expect(cold.stderr).toMatch(/^lemming: the org's files have 2 warning\(s\):\n/);
    expect(cold.stderr).toContain('agents/Not-An-Agent/: is not a valid agent name');
    expect(cold.stderr).toContain('ghost');
    expect(cold.stdout).toMatch(/\ncoder_01\s+offline/);
  });

  test('a resume with an error of its own, and one naming a tool that is none: said first, the agents left out', () => {
    const root = ranOrg();
    write(root, 'agents/hr/resume.md', '---\ntitle: [\n---\n');
    write(root, 'agents/janitor/resume.md', read(root, 'agents/janitor/resume.md').replace(/^tools: \[/m, 'tools: [no_such_tool, '));
    const { cold, coldJson } = coldAndWhole(root);
    expect(cold.status).toBe(0);
    expect(cold.stderr).toMatch(/^lemming: the org's files have 2 error\(s\)/);
    expect(cold.stderr).toContain('agents/hr/resume.md');
    expect(cold.stderr).toContain('no_such_tool');
    expect(cold.stdout).not.toMatch(/\nhr /);
    expect((JSON.parse(coldJson.stdout) as { problems: unknown[] }).problems).toHaveLength(2);
  });

  test('a chart that is not valid YAML: said first, the agents shown with an empty chart standing in', () => {
    const root = ranOrg();
    write(root, 'org/chart.yaml', read(root, 'org/chart.yaml').replace('send_to: [manager, coder_01]', 'send_to: [manager, coder_01'));
    const { cold } = coldAndWhole(root);
    expect(cold.status).toBe(0);
    expect(cold.stderr).toMatch(/\n {2}error: org\/chart\.yaml:\d+: is not valid YAML/);
    expect(cold.stderr).toContain('org/chart.yaml has had no valid version on this machine, so an empty one stands in');
    expect(cold.stdout).toMatch(/\nmanager\s+offline\s+0\.49\d\d \/ 0\.5000/);
  });
  test('a resume that is a link out of the org, in an org read on two cores: refused, and said first', () => {
    const root = writtenOrg();
    const outside = tempDir('lemming-outside-');
    try {
      writeFileSync(join(outside, 'resume.md'), read(root, `agents/${agentName(4_100)}/resume.md`));
      rmSync(join(root, 'agents', agentName(4_100), 'resume.md'));
      symlinkSync(join(outside, 'resume.md'), join(root, 'agents', agentName(4_100), 'resume.md'));
      const { cold } = coldAndWhole(root);
      expect(cold.stderr).toMatch(/^lemming: the org's files have 1 error\(s\)/);
      expect(cold.stderr).toContain(`agents/${agentName(4_100)}/resume.md: is a symbolic link (or lies below one) that leads out of the org`);
      expect(cold.stdout).toContain('and 4,189 more agents with no unread mail');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('a cold status keeps nothing for the next command', () => {
  test('an org this machine kept nothing of is shown without writing its parse cache or the settled org', () => {
    const root = writtenOrg();
    removeCaches(root);
    expect(lemming(root, ['status']).status).toBe(0);
    expect(existsSync(join(root, 'org', 'state', 'cache', 'parse-cache.json'))).toBe(false);
    expect(existsSync(join(root, 'org', 'state', 'cache', 'settled-org.json'))).toBe(false);
  });
});
