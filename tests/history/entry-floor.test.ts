import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { NextAgentProvider } from '../../bench/bench-providers.js';
import { agentName, buildOrg } from '../../bench/build-org.js';
import { entryFloor } from '../../bench/entry-floor.js';
import { Engine } from '../../src/engine/engine.js';
import { orgPath } from '../../src/history/stored-path.js';
import { tempDir } from '../helpers/org-files.js';

const AGENTS = 8;

test("the bench's floor of an entry reads every file the last entry changed, those the history stores under ~n/ included", { timeout: 60_000 }, async () => {
  const root = tempDir('lemming-entry-floor-');
  buildOrg(root, { agents: AGENTS, history: 0, withMail: AGENTS, keepHistory: true });
  const provider = new NextAgentProvider(Array.from({ length: AGENTS }, (_, index) => agentName(index)));
  const engine = Engine.open({ root, providerFactory: () => provider });
  try {
    for await (const _event of engine.run({ maxTurns: 2, stopWhenIdle: false })) void _event;
  } finally {
    await engine.close();
  }
  const stored = execFileSync('git', ['--git-dir', join(root, 'org/state/history.git'), 'diff-tree', '--no-commit-id', '--name-only', '-r', '--no-renames', 'main~1', 'main'], { encoding: 'utf8' }).trim().split('\n');
  // The turn's messages are named for their turn: the history keeps them in its folder of numbers, not where the org has them.
  expect(stored.filter((path) => path.startsWith('~n/')).length).toBeGreaterThanOrEqual(AGENTS);
  const there = stored.map(orgPath).filter((path) => existsSync(join(root, path)));
  const bytes = there.reduce((sum, path) => sum + statSync(join(root, path)).size, 0);
  const floor = entryFloor(root);
  expect(floor.files).toBe(stored.length);
  expect(floor.mb * 1024 * 1024).toBe(bytes);
  expect(floor.read).toBe(there.length);
});
