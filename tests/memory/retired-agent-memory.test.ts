import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { orgWithRetiredJanitor } from '../helpers/retired-janitor.js';

/*
 * `lemming memory` (and the other commands that take an agent's name) on an agent that was retired: its
 * stream went with its folder to agents/.retired/<name>-<proposal>/, and the refusal says so and where.
 * Before, it said only that there is no agent of that name, as for a name never used.
 */
describe('the memory of a retired agent', () => {
  test('asked for by name, the refusal says it was retired and names the folder that keeps its stream', async () => {
    const { root, id } = await orgWithRetiredJanitor();

    const asked = lemming(root, ['memory', 'janitor', 'storeroom key']);
    expect(asked.status).toBe(2);
    expect(asked.stderr).toContain(`janitor was retired: its folder, its memory stream among it, is kept in agents/.retired/janitor-${id}/`);
    // The folder it names holds what the agent remembered.
    expect(readFileSync(join(root, `agents/.retired/janitor-${id}/memory/stream/000002-001-observation.md`), 'utf8')).toContain('storeroom');
    // A name never used is refused as before.
    const never = lemming(root, ['memory', 'ghost']);
    expect(never.status).toBe(2);
    expect(never.stderr).toContain('there is no agent named "ghost"');
    expect(never.stderr).not.toContain('retired');
  }, 60_000);
});
