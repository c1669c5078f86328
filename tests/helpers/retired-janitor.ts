import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { lemming, lemmingAsync } from './cli.js';
import { defaultOrgWithMemory } from './memory-org.js';
import { proposeRetirement } from './propose-hire.js';
import { humanSends } from './temp-org.js';

/**
 * The default org keeping memory, whose janitor was told of the storeroom key (box Zebra-88) in two
 * turns and then retired by the manager (a proposal approved): its folder, stream and all, is now
 * agents/.retired/janitor-<id>/. Returns the org and the proposal's id.
 */
export async function orgWithRetiredJanitor(): Promise<{ root: string; id: string }> {
  const root = defaultOrgWithMemory();
  const manager = join(root, 'agents/manager/resume.md');
  writeFileSync(manager, readFileSync(manager, 'utf8').replace(/^tools: \[/m, 'tools: [retire_agent, '));
  humanSends(root, 'manager', 'Please tidy shelf 3 of the storeroom; the storeroom key is in box Zebra-88.', 'Shelf 3');
  expect((await lemmingAsync(root, ['run', '--turns', '2'])).status).toBe(0);
  const old = await lemmingAsync(root, ['memory', 'janitor']);
  expect(old.stdout).toMatch(/^janitor has [1-9]\d* memor/);
  expect(old.stdout).toContain('storeroom');
  const id = proposeRetirement(root, 'manager', 'janitor', 'the storeroom is tidy');
  expect(lemming(root, ['approve', id]).status).toBe(0);
  return { root, id };
}
