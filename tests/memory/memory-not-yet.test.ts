import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { defaultOrgWithMemory } from '../helpers/memory-org.js';

/** The ids of the memories a prompt recalled, in the order shown (its <recalled> elements). */
function recalledIds(prompt: string): string[] {
  return [...prompt.matchAll(/<recalled id="([^"]+)"/g)].map((match) => match[1] as string);
}

/** The ids `lemming memory` ranks, best first (its lines `[turn N] <id> <kind>, …`). */
function rankedIds(stdout: string): string[] {
  return [...stdout.matchAll(/^\[turn \d+\] (\S+) /gm)].map((match) => match[1] as string);
}

/*
 * A memory a person adds with a turn that is not before the next one (`turn: 1` in an org that has run
 * no turn, or a turn in the future) is recalled by no prompt until the turn after its own. `lemming memory`
 * ranks as that prompt ranks and says why the file is left out, naming it, the field and a valid value.
 * Before, it ranked such a memory first, "as its prompt in turn 1 would rank them", and the prompt of
 * turn 1 did not show it.
 */
describe('a memory added by hand with a turn not yet reached', () => {
  test('lemming memory ranks as the prompt ranks, and names the file, its turn and a turn that would be recalled', async () => {
    const root = defaultOrgWithMemory();
    const stream = join(root, 'agents/manager/memory/stream');
    mkdirSync(stream, { recursive: true });
    writeFileSync(join(stream, 'seed.md'), '---\nturn: 1\nkind: observation\nimportance: 8\n---\nThe storeroom key is in box Zebra-88.\n');
    writeFileSync(join(stream, 'later.md'), '---\nturn: 99999\nkind: observation\nimportance: 8\n---\nThe storeroom key moved to box Orca-12.\n');
    writeFileSync(join(stream, 'known.md'), '---\nkind: observation\nimportance: 8\n---\nThe garage code is 4417.\n');
    // Others known before the first turn, so that "storeroom" and "key" are words few memories hold (a word most hold ranks nothing).
    for (const [name, text] of [['canteen', 'The canteen opens at nine.'], ['printer', 'The printer on floor two is broken.'], ['parking', 'Parking is free on Fridays.'], ['badge', 'Badges are renewed in May.']]) {
      writeFileSync(join(stream, `${name}.md`), `---\nkind: observation\nimportance: 5\n---\n${text}\n`);
    }
    const question = 'Where is the storeroom key? And the garage code?';

    const before = await lemmingAsync(root, ['memory', 'manager', `Key\n${question}`]);
    expect(before.status).toBe(0);
    expect(rankedIds(before.stdout)).toEqual(['known']);
    expect(before.stderr).toContain(
      'agents/manager/memory/stream/later.md and 1 more: turns 1 to 99999 are not before turn 1, the turn a prompt would rank for, so no prompt recalls them yet (a memory is recalled from the turn after its own) and a search ranks them with none; a memory a person adds is recalled from the next call with a turn before 1 (like `turn: 0`, or no turn: line, which is 0)',
    );

    expect(lemming(root, ['send', 'manager', '--subject', 'Key', question]).status).toBe(0);
    expect((await lemmingAsync(root, ['run', '--turns', '1'])).status).toBe(0);
    const prompt = (await lemmingAsync(root, ['trace', 'manager'])).stdout;
    // The prompt of turn 1 recalled first what the command ranked for it, and nothing of turn 1 or later.
    expect(recalledIds(prompt)[0]).toBe('known');
    expect(recalledIds(prompt)).not.toContain('seed');
    expect(recalledIds(prompt)).not.toContain('later');
  }, 60_000);
});
