import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { writeMemories } from '../../src/memory/memory-stream.js';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { defaultOrg, write } from '../helpers/temp-org.js';

/*
 * An agent's folders are its own (org/own-folders.ts): a memory stream linked to another agent's, inside the
 * org, would have the two share memories. It is refused as one linked out of the org is, naming the folder.
 */
test("coder_01's memory/stream linked to the planner's: no command reads the planner's memories as coder_01's, and each names the link", async () => {
  const root = defaultOrg();
  writeMemories(root, 'planner', [{ id: '000001-001', turn: 1, kind: 'observation', importance: 5, sources: [], text: 'The vault code is 0451-planner.' }]);
  rmSync(join(root, 'agents/coder_01/memory/stream'), { recursive: true, force: true });
  mkdirSync(join(root, 'agents/coder_01/memory'), { recursive: true });
  symlinkSync('../../planner/memory/stream', join(root, 'agents/coder_01/memory/stream'));
  const said = "agents/coder_01/memory/stream is a symbolic link (or lies below one) to agents/planner/memory/stream, another agent's folder";

  const memory = lemming(root, ['memory', 'coder_01']);
  expect(memory.stdout).not.toContain('0451-planner');
  expect(memory.status).toBe(5);
  expect(memory.stderr).toContain(said);

  const validated = lemming(root, ['validate']);
  expect(validated.status).toBe(1);
  expect(validated.stdout + validated.stderr).toContain(said.replace(' is a symbolic', ': is a symbolic'));

  // A task for coder_01: the turn that calls it looks at its folders.
  write(root, 'agents/planner/outbox/000000-001-coder_01.md', '---\nto: coder_01\nsubject: Task\n---\nWrite the release notes.\n');
  const run = await lemmingAsync(root, ['run', '--plain', '--turns', '2']);
  expect(run.status).toBe(5);
  expect(run.stderr).toContain(said);
  // The planner's own stream is its own still: read as it was.
  expect(lemming(root, ['memory', 'planner']).stdout).toContain('0451-planner');
});
