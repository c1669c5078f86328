import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { proposeRetirement } from '../helpers/propose-hire.js';
import { defaultOrg, humanSends } from '../helpers/temp-org.js';

/*
 * An agent retired and another added under its name: the memories are the retired agent's, kept with
 * its folder in agents/.retired/<name>-<proposal>/, and the newcomer starts with none.
 */
describe('a name retired and given again', () => {
  test('the new agent inherits no memory of the old; the old stream is kept aside with its folder', async () => {
    const root = defaultOrg();
    const orgYaml = join(root, 'org/org.yaml');
    writeFileSync(orgYaml, `${readFileSync(orgYaml, 'utf8').replace('history: { keep: true }', 'history: { keep: false }')}\nmemory: { keep: true }\n`);
    const manager = join(root, 'agents/manager/resume.md');
    writeFileSync(manager, readFileSync(manager, 'utf8').replace(/^tools: \[/m, 'tools: [retire_agent, '));
    humanSends(root, 'manager', 'Please tidy shelf 3 of the storeroom; the storeroom key is in box Zebra-88.', 'Shelf 3');
    expect((await lemmingAsync(root, ['run', '--turns', '2'])).status).toBe(0);
    const old = await lemmingAsync(root, ['memory', 'janitor']);
    expect(old.stdout).toMatch(/^janitor has [1-9]\d* memor/);
    expect(old.stdout).toContain('storeroom');

    const id = proposeRetirement(root, 'manager', 'janitor', 'the storeroom is tidy');
    expect(lemming(root, ['approve', id]).status).toBe(0);
    expect(lemming(root, ['add-agent', 'janitor', '--title', 'Janitor', '--reports-to', 'manager', '--credits', '1']).status).toBe(0);

    const now = await lemmingAsync(root, ['memory', 'janitor']);
    expect(now.stdout).toContain('janitor has no memories');
    expect(now.stdout).not.toContain('[turn');
    const kept = join(root, `agents/.retired/janitor-${id}/memory/stream`);
    expect(readdirSync(kept).some((name) => readFileSync(join(kept, name), 'utf8').includes('storeroom'))).toBe(true);
  }, 60_000);
});
