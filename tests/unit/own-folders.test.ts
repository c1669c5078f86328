import { mkdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ownFolderOutside, ownFolderProblems } from '../../src/org/own-folders.js';
import { tempDir } from '../helpers/org-files.js';

/** An org root with `agents/coder/` made, and a folder outside it. */
function scene(): { root: string; outside: string } {
  const root = tempDir('lemming-own-');
  mkdirSync(join(root, 'agents/coder'), { recursive: true });
  return { root, outside: realpathSync(tempDir('lemming-outside-')) };
}

describe("an agent's own folders (org/own-folders.ts)", () => {
  test('plain folders, missing ones, and a link that stays inside the org are the org\'s own', () => {
    const { root } = scene();
    expect(ownFolderOutside(root, 'coder')).toBeUndefined();
    mkdirSync(join(root, 'agents/coder/outbox'));
    mkdirSync(join(root, 'kept/stream'), { recursive: true });
    symlinkSync('../../kept', join(root, 'agents/coder/memory'));
    expect(ownFolderOutside(root, 'coder')).toBeUndefined();
    expect(ownFolderProblems(root, 'coder')).toEqual([]);
  });

  test('a folder below a link that stays inside is looked at through it: its own link out is named as the agent\'s folder', () => {
    const { root, outside } = scene();
    mkdirSync(join(root, 'kept'));
    symlinkSync('../../kept', join(root, 'agents/coder/memory'));
    symlinkSync(outside, join(root, 'kept/stream'));
    expect(ownFolderOutside(root, 'coder')).toEqual({ folder: 'agents/coder/memory/stream', leadsTo: outside });
  });

  test('the first link out is named, a parent before what lies below it; the agent\'s folder itself too', () => {
    const { root, outside } = scene();
    mkdirSync(join(outside, 'stream'));
    symlinkSync(outside, join(root, 'agents/coder/memory'));
    expect(ownFolderOutside(root, 'coder')).toEqual({ folder: 'agents/coder/memory', leadsTo: outside });
    symlinkSync(outside, join(root, 'agents/planner'));
    expect(ownFolderOutside(root, 'planner')).toEqual({ folder: 'agents/planner', leadsTo: outside });
  });

  test("a link into another agent's folder is refused as one out of the org; one into the agent's own folder is its own", () => {
    const { root } = scene();
    mkdirSync(join(root, 'agents/planner/memory/stream'), { recursive: true });
    mkdirSync(join(root, 'agents/coder/memory'));
    mkdirSync(join(root, 'agents/coder/workspace/notes'), { recursive: true });
    symlinkSync('../workspace/notes', join(root, 'agents/coder/memory/stream'));
    expect(ownFolderOutside(root, 'coder')).toBeUndefined();
    rmSync(join(root, 'agents/coder/memory/stream'));
    symlinkSync('../../planner/memory/stream', join(root, 'agents/coder/memory/stream'));
    expect(ownFolderOutside(root, 'coder')).toEqual({ folder: 'agents/coder/memory/stream', leadsTo: 'agents/planner/memory/stream', intoAgent: true });
    expect(ownFolderOutside(root, 'planner')).toBeUndefined();
    expect(ownFolderProblems(root, 'coder')[0]?.message).toContain("to agents/planner/memory/stream, another agent's folder");
    symlinkSync('planner', join(root, 'agents/tester'));
    expect(ownFolderOutside(root, 'tester')).toEqual({ folder: 'agents/tester', leadsTo: 'agents/planner', intoAgent: true });
  });

  test('validate: a folder lemming keeps files in is an error, a workspace a warning, each naming where it leads', () => {
    const { root, outside } = scene();
    mkdirSync(join(outside, 'logs'));
    mkdirSync(join(outside, 'workspace'));
    symlinkSync(join(outside, 'logs'), join(root, 'agents/coder/logs'));
    symlinkSync(join(outside, 'workspace'), join(root, 'agents/coder/workspace'));
    const problems = ownFolderProblems(root, 'coder');
    expect(problems.map(({ file, severity }) => ({ file, severity }))).toEqual([
      { file: 'agents/coder/logs', severity: 'error' },
      { file: 'agents/coder/workspace', severity: 'warning' },
    ]);
    expect(problems[0]?.message).toContain(`to ${join(outside, 'logs')}, outside the org`);
    expect(problems[1]?.message).toContain(`to ${join(outside, 'workspace')}, outside the org`);
  });

  test('a root written with a trailing slash or dot segments, or relative, finds the same link out as the root itself', () => {
    const { root, outside } = scene();
    symlinkSync(outside, join(root, 'agents/coder/logs'));
    const found = { folder: 'agents/coder/logs', leadsTo: outside };
    expect(ownFolderOutside(root, 'coder')).toEqual(found);
    expect(ownFolderOutside(`${root}/`, 'coder')).toEqual(found);
    expect(ownFolderOutside(`${root}/./agents/..`, 'coder')).toEqual(found);
    expect(ownFolderOutside(relative(process.cwd(), root), 'coder')).toEqual(found);
  });
});
