import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { defaultOrgWithMemory } from '../helpers/memory-org.js';

/** The ids of the memories a prompt recalled, in the order shown (its <recalled> elements). */
function recalledIds(prompt: string): string[] {
  return [...prompt.matchAll(/<recalled id="([^"]+)"/g)].map((match) => match[1] as string);
}

/*
 * A memory a person writes by hand may be longer than the agent's whole budget of memories (a pasted
 * report: no prompt can show it). Before, the memory layer counted it towards the few budgets' worth of
 * candidates it hands the prompt, so when it ranked first it was the only candidate: the prompt could
 * not show it, and showed no memory at all (no `<recalled>`, no line saying how many). The manager
 * forgot the garage code it was told, and nothing said so. Now a memory too long for the budget is
 * passed over as the prompt passes it over, and `lemming memory` says that no prompt shows it.
 */
describe('a memory longer than the whole budget', () => {
  test('does not hide the memories after it from the prompt', async () => {
    // The default org, memory kept at its default budget of 800 tokens.
    const root = defaultOrgWithMemory();
    const stream = join(root, 'agents/manager/memory/stream');
    mkdirSync(stream, { recursive: true });
    // A pasted report about the garage's code, the most important memory, cut to 64 KB as it is read (some 16,000 tokens): it ranks first for the question.
    writeFileSync(join(stream, 'report.md'), `---\nimportance: 10\n---\nThe garage report. ${'The garage code was changed and the garage doors were painted. '.repeat(2_500)}\n`);
    writeFileSync(join(stream, 'code.md'), '---\nimportance: 8\n---\nThe garage code is 4417-K.\n');
    for (const [name, text] of [['canteen', 'The canteen opens at nine.'], ['printer', 'The printer on floor two is broken.'], ['parking', 'Parking is free on Fridays.'], ['badge', 'Badges are renewed in May.']]) {
      writeFileSync(join(stream, `${name}.md`), `---\nimportance: 5\n---\n${text}\n`);
    }

    // `lemming memory` ranks it, and says that no prompt shows it, naming the file, the field and a length that would be shown.
    const search = await lemmingAsync(root, ['memory', 'manager', 'garage code']);
    expect(search.status).toBe(0);
    expect(search.stdout).toMatch(/^\[turn 0\] report observation/m);
    expect(search.stderr).toContain(
      'agents/manager/memory/stream/report.md: some 16,399 tokens as read, more than the memory budget of 800 tokens (memory.budget_tokens), so no prompt shows it; shorten it to under 3,120 characters, or raise budget_tokens',
    );

    expect(lemming(root, ['send', 'manager', '--subject', 'Garage', 'What is the garage code?']).status).toBe(0);
    const said = 'warning: agents/manager/memory/stream/report.md: some 16,399 tokens as read, more than the memory budget of 800 tokens (memory.budget_tokens), so no prompt shows it; shorten it to under 3,120 characters, or raise budget_tokens';
    const run = await lemmingAsync(root, ['run', '--turns', '1']);
    expect(run.status).toBe(0);
    // The run passed the report over, and said so, naming the agent's file (before, only `lemming memory` said it).
    expect(run.stdout).toContain(`[turn 1] ${said}`);

    const prompt = (await lemmingAsync(root, ['trace', 'manager'])).stdout;
    expect(recalledIds(prompt)).toContain('code');
    expect(recalledIds(prompt)).not.toContain('report');
    expect(prompt).toContain('(5 of 6 memories, chosen by relevance, importance and recency)');
    // What the manager answered the human holds the code: it remembered it.
    const outbox = join(root, 'agents/manager/outbox');
    const toHuman = readdirSync(outbox).filter((name) => name.endsWith('-human.md')).map((name) => readFileSync(join(outbox, name), 'utf8'));
    expect(toHuman.join('\n')).toContain('4417-K');

    // A run whose every turn calls the manager (scheduled each turn) says it once, not at each call.
    const resume = join(root, 'agents/manager/resume.md');
    writeFileSync(resume, readFileSync(resume, 'utf8').replace(/^schedule:.*$/m, 'schedule: { every: 1, offset: 0 }'));
    const again = await lemmingAsync(root, ['run', '--turns', '3', '--keep-going']);
    expect(again.status).toBe(0);
    expect(again.stdout.match(/manager thinking/g)?.length).toBe(3);
    expect(again.stdout.split(said).length - 1).toBe(1);
  }, 60_000);
});
