import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { SANDBOX_PROBLEM } from '../helpers/sandbox-ready.js';
import { checkInvariants } from '../faults/invariants.js';
import { defaultOrg, humanSends, ofType, read, runEngine } from '../helpers/temp-org.js';

const clock = () => new Date('2026-11-22T10:00:00.000Z');

/** Every file under a folder, relative to it, with its content. */
function filesUnder(root: string, folder: string): Record<string, string> {
  const found: Record<string, string> = {};
  const walk = (directory: string): void => {
    let names: string[];
    try {
      names = readdirSync(directory);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      const path = join(directory, name);
      if (statSync(path).isDirectory()) walk(path);
      else found[relative(root, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(join(root, folder));
  return found;
}

describe('the offline model uses its tools', () => {
  test('the coder saves its work in its workspace, tests it with run_command and reports the path and the outcome; the planner keeps the plan in the shared workspace', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Write the release notes for 1.2', 'Release notes');
    const events = await runEngine(root, {}, { clock });
    // Where commands can run, the coder also writes a test of its work and runs it.
    const tested = SANDBOX_PROBLEM === undefined;
    expect(Object.keys(filesUnder(root, 'agents/coder_01/workspace'))).toEqual([
      'agents/coder_01/workspace/work/release-notes.md',
      ...(tested ? ['agents/coder_01/workspace/work/tests/test_release_notes.py'] : []),
    ]);
    expect(read(root, 'agents/coder_01/workspace/work/release-notes.md')).toMatch(/^# Release notes\n\nDone: Release notes\./);
    expect(read(root, 'workspace/plans/release-notes.md')).toContain('Kept by planner. Turn 4: done.');
    const report = read(root, 'agents/coder_01/outbox/000003-001-planner.md');
    expect(report).toContain('The file: agents/coder_01/workspace/work/release-notes.md');
    if (tested) expect(report).toContain('Tests: I ran `python3 -m unittest -v work/tests/test_release_notes.py`; 3 test(s) pass (exit code 0).');
    expect(read(root, 'agents/planner/outbox/000002-001-coder_01.md')).toContain('The file: workspace/plans/release-notes.md');
    const steps = ofType(events, 'agent-step');
    expect(steps.map((step) => `${step.turn}:${step.agent}:${step.tools.map((tool) => tool.name).join(',')}`)).toEqual([
      '2:planner:write_file',
      '2:planner:',
      ...(tested ? ['3:coder_01:write_file,write_file', '3:coder_01:run_command'] : ['3:coder_01:write_file']),
      '3:coder_01:',
      '4:planner:write_file',
      '4:planner:',
    ]);
    expect(ofType(events, 'message-delivered').at(-1)?.message.to).toBe('human');
    expect(checkInvariants(root)).toEqual([]);
    // The checker notices a file a step says it wrote that is not there.
    rmSync(join(root, 'agents/coder_01/workspace/work/release-notes.md'));
    expect(checkInvariants(root)).toEqual(['agents/coder_01: step of turn 3 wrote agents/coder_01/workspace/work/release-notes.md, which is missing']);
  });

  test('the same org and mail leave the same files, byte for byte', async () => {
    const runOnce = async () => {
      const root = defaultOrg();
      humanSends(root, 'manager', 'Plan the launch', 'Launch');
      await runEngine(root, {}, { clock });
      return { workspace: filesUnder(root, 'workspace'), coder: filesUnder(root, 'agents/coder_01/workspace'), outbox: filesUnder(root, 'agents/manager/outbox') };
    };
    const first = await runOnce();
    expect(Object.keys(first.workspace)).toEqual(['workspace/plans/launch.md']);
    expect(await runOnce()).toEqual(first);
  });
});
