import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { defaultOrg } from '../helpers/temp-org.js';

/*
 * `lemming memory` on a stream larger than a turn reads (6,000 files, 5,000 read): its first line says how
 * many it read and that the stream holds more, rather than that the agent has 5000 memories.
 */
describe('lemming memory on a stream larger than a turn reads', () => {
  test('the count says what was read, of a larger stream, in the figures of the rest of the output', async () => {
    const root = defaultOrg();
    const stream = join(root, 'agents/hr/memory/stream');
    mkdirSync(stream, { recursive: true });
    for (let index = 0; index < 6_000; index += 1) {
      const id = `${String(Math.floor(index / 10) + 1).padStart(6, '0')}-${String((index % 10) + 1).padStart(3, '0')}`;
      // Turn 0, what the agent knew before its first turn: an org that has run no turn recalls it from its first.
      writeFileSync(join(stream, `${id}-observation.md`), `---\nid: ${id}\nturn: 0\nkind: observation\nimportance: 5\n---\nmanager wrote to me about shelf s${index}.\n`);
    }
    const listed = await lemmingAsync(root, ['memory', 'hr', '-n', '2']);
    expect(listed.status).toBe(0);
    expect(listed.stdout.split('\n')[0]).toBe('hr has 5,000 memories read (5,000 observations), the newest of agents/hr/memory/stream, which holds more than a turn reads; newest first:');
    expect(listed.stdout).toContain('2 of 5,000 shown; --limit shows more');
    expect(listed.stderr).toContain('holds more than the 5,000 memory files a turn reads');

    const searched = await lemmingAsync(root, ['memory', 'hr', 's5999']);
    expect(searched.status).toBe(0);
    expect(searched.stdout.split('\n')[0]).toMatch(/^hr has 5,000 memories read, the newest of a stream that holds more than a turn reads; those that bear on "s5999"/);
    expect(searched.stdout).toContain('about shelf s5999.');
  }, 60_000);
});
