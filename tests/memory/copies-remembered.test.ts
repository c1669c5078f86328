import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { defaultOrgWithMemory } from '../helpers/memory-org.js';

/*
 * A message to several people, a copy (`cc:`) and a post to a list are remembered as what they were:
 * who it was written to, and that the reader had it as a copy or through a list. Before, each was
 * remembered as "manager wrote to me", and a message sent with a copy as written to its first name alone.
 */
/** The default org with memory, planner free to copy hr, a list `release` of planner and hr, and two messages waiting: a copy and a post. */
function orgWithCopies(): string {
  const root = defaultOrgWithMemory();
    const chart = join(root, 'org/chart.yaml');
    writeFileSync(
      chart,
      readFileSync(chart, 'utf8')
        .replace('send_to: [human, planner, hr, janitor]', 'send_to: [human, planner, hr, janitor, release]')
        .replace(/(  planner:\n    reports_to: manager\n    send_to: \[manager, coder_01)\]/, '$1, hr]')
        .replace(/(  hr:\n    reports_to: manager\n    send_to: \[manager\]\n    read_from: \[manager)\]/, '$1, planner]'),
    );
    mkdirSync(join(root, 'org/lists'), { recursive: true });
    writeFileSync(join(root, 'org/lists/release.yaml'), 'description: The release team\nmembers: [planner, hr]\nmay_post: [manager]\n');
    expect(lemming(root, ['validate']).status).toBe(0);
    expect(lemming(root, ['send', 'planner', '--from', 'manager', '--cc', 'hr', '--subject', 'Question', 'What is the date of the office move?']).status).toBe(0);
    expect(lemming(root, ['send', 'release', '--from', 'manager', '--subject', 'Freeze', 'For the record: the code freeze starts on Friday.']).status).toBe(0);
  return root;
}

/** Each memory file of the agents' streams, by path, as the file holds it. */
function streams(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const agent of ['planner', 'hr']) {
    const folder = join(root, 'agents', agent, 'memory/stream');
    for (const name of readdirSync(folder)) files[`${agent}/${name}`] = readFileSync(join(folder, name), 'utf8');
  }
  return files;
}

describe('copies and list posts in memory', () => {
  test('a copy, a list post and a reply sent with a copy are each remembered with their names', async () => {
    const root = orgWithCopies();
    expect((await lemmingAsync(root, ['run', '--turns', '2'])).status).toBe(0);

    const hr = (await lemmingAsync(root, ['memory', 'hr'])).stdout;
    // The copy: written to planner, hr had a copy.
    expect(hr).toContain('manager wrote to planner, with a copy to me, subject "Question"');
    // The list post: written to the list, read by hr as one of its members.
    expect(hr).toContain('manager wrote to release (to me through a list), subject "Freeze"');
    // The offline planner answers all: to manager, a copy to hr; both remember it so.
    expect(hr).toContain('planner wrote to manager, with a copy to me, subject "Re: Question"');
    expect(hr).not.toMatch(/wrote to me/);

    const planner = (await lemmingAsync(root, ['memory', 'planner'])).stdout;
    expect(planner).toContain('manager wrote to me, with a copy to hr, subject "Question"');
    expect(planner).toContain('manager wrote to release (to me through a list), subject "Freeze"');
    expect(planner).toContain('I wrote to manager, with a copy to hr, subject "Re: Question"');
    // A message to one name reads as it always did.
    expect(planner).toMatch(/I wrote to coder_01, subject "Freeze"/);
    const manager = (await lemmingAsync(root, ['memory', 'manager'])).stdout;
    expect(manager).toContain('planner wrote to me, with a copy to hr, subject "Re: Question"');
    expect(manager).toContain('hr wrote to me, subject "Re: Freeze"');
  }, 60_000);

  test('a turn finished after a crash remembers a copy and a post in the same words', async () => {
    const whole = orgWithCopies();
    expect((await lemmingAsync(whole, ['run', '--turns', '1'])).status).toBe(0);
    const crashed = orgWithCopies();
    expect((await lemmingAsync(crashed, ['run', '--turns', '1'], { LEMMING_CRASH_AT: 'after-answer:1' })).signal).toBe('SIGKILL');
    expect((await lemmingAsync(crashed, ['run', '--turns', '1'])).status).toBe(0);
    expect(readdirSync(join(crashed, 'agents/hr/memory/stream')).length).toBeGreaterThan(0);
    expect(streams(crashed)).toEqual(streams(whole));
    expect(Object.values(streams(crashed)).join('\n')).toContain('manager wrote to planner, with a copy to me, subject "Question"');
  }, 60_000);
});
