import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { defaultOrgWithMemory } from '../helpers/memory-org.js';

/** Every file under a folder, by its path in it. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' }).sort();
}

/*
 * `lemming ask` put a question to an agent with its resume, notes and latest mail, and none of its
 * memories: a manager told the garage code (a memory of its stream) and asked for it answered as if it
 * had never heard it. Now the question is asked with the memories a turn's prompt would recall for it
 * (the memory layer's retrieval, ranked for the question), and the longer prompt is charged to the
 * research account as the rest of the question is; nothing of the agent's changes.
 */
describe('lemming ask of an agent that keeps a memory stream', () => {
  test('recalls for the question what a turn would, charged to the research account, the stream unchanged', async () => {
    const root = defaultOrgWithMemory();
    const memory = join(root, 'agents/manager/memory');
    const stream = join(memory, 'stream');
    mkdirSync(stream, { recursive: true });
    writeFileSync(join(stream, 'code.md'), '---\nimportance: 8\n---\nThe garage code is 4417-K.\n');
    for (const [name, text] of [['canteen', 'The canteen opens at nine.'], ['printer', 'The printer on floor two is broken.']]) {
      writeFileSync(join(stream, `${name}.md`), `---\nimportance: 5\n---\n${text}\n`);
    }
    const before = filesUnder(memory);

    const asked = await lemmingAsync(root, ['ask', 'manager', 'What is the garage code?', '--json']);
    expect(asked.status).toBe(0);
    const answer = (JSON.parse(asked.stdout) as { answers: Array<{ raw: string; credits: number }> }).answers[0];
    // The answer quotes the memory its prompt recalled for the question.
    expect(answer?.raw).toContain('From my memory:');
    expect(answer?.raw).toContain('The garage code is 4417-K.');
    expect(answer?.raw).not.toContain('canteen');

    // No access was recorded and no memory written: asking changes nothing of the agent's.
    expect(filesUnder(memory)).toEqual(before);

    // Asked again with the stream emptied: the prompt is shorter, and so is what the research account pays.
    for (const name of ['code.md', 'canteen.md', 'printer.md']) rmSync(join(stream, name));
    const without = await lemmingAsync(root, ['ask', 'manager', 'What is the garage code?', '--json']);
    const bare = (JSON.parse(without.stdout) as { answers: Array<{ raw: string; credits: number }> }).answers[0];
    expect(bare?.raw).not.toContain('4417-K');
    expect(answer?.credits).toBeGreaterThan(bare?.credits ?? Number.POSITIVE_INFINITY);
  });
});
