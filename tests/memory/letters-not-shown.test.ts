import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { defaultOrgWithMemory } from '../helpers/memory-org.js';

const TOPICS = ['vault', 'ferry', 'archive', 'garden', 'reactor', 'orchard', 'lighthouse', 'museum', 'harbour', 'observatory'];

/*
 * Ten letters wait for the manager, each asking for the password of a different place, each password an
 * old memory of its own; the letters are long, so the mail's budget (`context.max_tokens`) shows three of
 * them and the rest wait for a later turn. Its memories are ranked for each letter the prompt shows. Before,
 * they were ranked for every letter `context.max_messages` allows, shown or not: the prompt recalled
 * passwords for letters it did not show, in the place of what bore on the letters it showed, the budget
 * spent on mail the manager would read in a later turn.
 */
describe('letters the mail budget leaves waiting', () => {
  test('get no memories of their own in a prompt that does not show them', async () => {
    const root = defaultOrgWithMemory();
    const orgYaml = join(root, 'org/org.yaml');
    writeFileSync(orgYaml, readFileSync(orgYaml, 'utf8').replace(/max_tokens: \d+/, 'max_tokens: 1500').replace('memory: { keep: true }', 'memory: { keep: true, budget_tokens: 330 }'));
    const stream = join(root, 'agents/manager/memory/stream');
    mkdirSync(stream, { recursive: true });
    TOPICS.forEach((topic, place) => writeFileSync(join(stream, `${topic}.md`), `---\nimportance: 5\n---\nThe ${topic} password is word${place + 1}-${topic}.\n`));
    // More important than the passwords: what fills the budget after each shown letter's own password.
    for (let n = 1; n <= 6; n += 1) writeFileSync(join(stream, `canteen-${n}.md`), `---\nimportance: 8\n---\nThe canteen menu ${n} lists soup.\n`);
    const padding = 'Please read carefully. '.repeat(60);
    for (const topic of TOPICS) expect(lemming(root, ['send', 'manager', '--subject', `About the ${topic}`, `What is the ${topic} password? ${padding}`]).status).toBe(0);
    expect((await lemmingAsync(root, ['run', '--turns', '1'])).status).toBe(0);

    const prompt = (await lemmingAsync(root, ['trace', 'manager'])).stdout;
    const shown = [...prompt.matchAll(/<message [^>]*subject="About the (\w+)"/g)].map((match) => match[1]);
    expect(shown).toEqual(['vault', 'ferry', 'archive']);
    expect(prompt).toContain('(7 more message(s) are waiting and will be shown in a later turn');
    const recalled = [...prompt.matchAll(/<recalled id="([^"]+)"/g)].map((match) => match[1]);
    // Each shown letter's password first, in the order shown, then the most important of the rest; no password of a letter left waiting.
    expect(recalled.slice(0, 3)).toEqual(['vault', 'ferry', 'archive']);
    expect(recalled.length).toBeGreaterThan(3);
    expect(recalled.filter((id) => TOPICS.includes(id as string) && !shown.includes(id))).toEqual([]);
  }, 60_000);
});
