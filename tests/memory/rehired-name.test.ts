import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { orgWithRetiredJanitor } from '../helpers/retired-janitor.js';

/*
 * An agent retired and another added under its name: the memories are the retired agent's, kept with
 * its folder in agents/.retired/<name>-<proposal>/, and the newcomer starts with none.
 */
describe('a name retired and given again', () => {
  test('the new agent inherits no memory of the old; the old stream is kept aside with its folder', async () => {
    const { root, id } = await orgWithRetiredJanitor();
    expect(lemming(root, ['add-agent', 'janitor', '--title', 'Janitor', '--reports-to', 'manager', '--credits', '1']).status).toBe(0);

    const now = await lemmingAsync(root, ['memory', 'janitor']);
    expect(now.stdout).toContain('janitor has no memories');
    expect(now.stdout).not.toContain('[turn');
    const kept = join(root, `agents/.retired/janitor-${id}/memory/stream`);
    expect(readdirSync(kept).some((name) => readFileSync(join(kept, name), 'utf8').includes('storeroom'))).toBe(true);
  }, 60_000);
});
