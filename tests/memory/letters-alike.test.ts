import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { humanSendsAll, memoryOrg, recalledFiles, streamFiles } from '../helpers/memory-org.js';

/*
 * A prompt ranks the stream once for each letter it shows, and merges the rankings in rounds (each
 * letter's best before any letter's second best: merge-rankings.ts). A letter that shares no word with
 * any memory ("Thank you, noted.") ranks by recency and importance alone, and so does every other such
 * letter: their rankings are the same. Before, each counted: nineteen thank-yous before a question took
 * the first round's places, one memory each for what none of them asked, and the question, the twentieth
 * letter, was shown no memory at all (15 recalled, the fact not among them).
 */

describe('letters whose rankings are alike count once', () => {
  test("a question shown after nineteen thank-yous recalls the fact told at turn 1", async () => {
    const root = memoryOrg({ memory: '{ keep: true }', maxMessages: 1 });
    humanSendsAll(root, [{ subject: 'Supplier', body: "The supplier's name is Halvorsen Timber." }]);
    humanSendsAll(root, Array.from({ length: 18 }, (_, index) => ({ subject: `Chore ${index + 1}`, body: `Please count the chairs in meeting room ${index + 1} and report the number.` })));
    expect((await lemmingAsync(root, ['run'])).status).toBe(0);
    const fact = Object.entries(streamFiles(root)).find(([, text]) => text.includes('Halvorsen') && text.includes('turn: 1\n'))?.[0]?.replace(/-observation\.md$/, '');
    expect(fact).toBeDefined();

    // Twenty letters shown at once: nineteen alike, then the question.
    const orgYaml = join(root, 'org/org.yaml');
    writeFileSync(orgYaml, readFileSync(orgYaml, 'utf8').replace('max_messages: 1 ', 'max_messages: 20 '));
    humanSendsAll(root, [...Array.from({ length: 19 }, () => ({ subject: 'Thanks', body: 'Thank you, noted.' })), { subject: 'Question', body: "What is the supplier's name?" }]);
    expect((await lemmingAsync(root, ['run', '--turns', '1'])).status).toBe(0);
    const recalled = recalledFiles(root)['000020.md']?.trim().split('\n') ?? [];
    expect(recalled.length).toBeGreaterThan(1);
    expect(recalled).toContain(fact);
    // The thank-yous' one ranking still has its place: the question's best is second, after that ranking's best.
    expect(recalled.indexOf(fact!)).toBe(1);
  }, 60_000);
});
