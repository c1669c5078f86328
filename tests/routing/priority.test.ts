import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { ScriptedProvider } from '../helpers/scripted-provider.js';
import { lemming } from '../helpers/cli.js';
import { SeatDesk } from '../../src/mcp-server/seat-desk.js';
import { defaultOrg, inboxOf, ofType, runEngine } from '../helpers/temp-org.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function org(): string {
  const root = defaultOrg();
  roots.push(root);
  return root;
}

/** A message file dropped into `from`'s outbox, as a person or a program writes one. */
function drop(root: string, from: string, name: string, to: string, subject: string, priority?: string): void {
  writeFileSync(join(root, 'agents', from, 'outbox', name), `---\nto: ${to}\nsubject: ${subject}\n${priority ? `priority: ${priority}\n` : ''}---\n${subject} text.\n`);
}

describe('priority', () => {
  test('under the cap on mail shown, urgent mail is shown first and the rest waits in priority, then arrival order', async () => {
    const root = org();
    const settings = join(root, 'org/org.yaml');
    writeFileSync(settings, readFileSync(settings, 'utf8').replace('max_messages: 20 ', 'max_messages: 2  '));
    // Arrival order: a, b (low), c, then the urgent one last, then a high one.
    drop(root, 'planner', 'a.md', 'manager', 'a');
    drop(root, 'planner', 'b.md', 'manager', 'b', 'low');
    drop(root, 'planner', 'c.md', 'manager', 'c', 'normal');
    drop(root, 'planner', 'd.md', 'manager', 'd', 'urgent');
    drop(root, 'planner', 'e.md', 'manager', 'e', 'high');
    const provider = new ScriptedProvider(() => ({}));
    const events = await runEngine(root, {}, { providerFactory: () => provider });
    const shown = provider.requests.filter((request) => request.agent === 'manager').map((request) => inboxOf(request).map((item) => item.subject));
    expect(shown).toEqual([['d', 'e'], ['a', 'c'], ['b']]);
    expect(ofType(events, 'agent-called').filter((event) => event.agent === 'manager').map((event) => event.deferred)).toEqual([3, 1, 0]);
    expect(provider.requests[0]?.messages[0]?.content).toContain('3 more message(s) are waiting');
  });

  test('lemming inbox lists the most urgent mail first, oldest first within a priority, and marks the priority', () => {
    const root = org();
    drop(root, 'manager', '000000-001-human.md', 'human', 'first');
    drop(root, 'manager', '000000-002-human.md', 'human', 'second', 'urgent');
    drop(root, 'manager', '000000-003-human.md', 'human', 'third', 'low');
    drop(root, 'manager', '000000-004-human.md', 'human', 'fourth');
    drop(root, 'manager', '000000-005-human.md', 'human', 'fifth', 'urgent');
    const result = lemming(root, ['inbox']);
    expect(result.status).toBe(0);
    const lines = result.stdout.split('\n').filter((line) => line.startsWith('* '));
    expect(lines.map((line) => /: (\w+)$/.exec(line)?.[1])).toEqual(['second', 'fifth', 'first', 'fourth', 'third']);
    expect(lines[0]).toContain('[urgent]');
    expect(lines[2]).not.toContain('[normal]');
  });

  test('the MCP seat’s read_inbox keeps urgent mail within its limit', async () => {
    const root = org();
    for (let index = 1; index <= 4; index += 1) drop(root, 'manager', `000000-00${index}-human.md`, 'human', `normal ${index}`);
    drop(root, 'manager', '000000-009-human.md', 'human', 'late and urgent', 'urgent');
    // Mail put in an outbox by hand is the seat's once a turn has taken it in.
    await runEngine(root, { maxTurns: 1 }, { providerFactory: () => new ScriptedProvider(() => ({})) });
    const desk = new SeatDesk(root);
    const first = desk.inbox({ limit: 2 });
    expect(first.messages.map((message) => message.subject)).toEqual(['late and urgent', 'normal 1']);
    expect(first.more).toBe(3);
    expect(desk.inbox({ limit: 2 }).messages.map((message) => message.subject)).toEqual(['normal 2', 'normal 3']);
  });

  test('a bad priority in a message file is skipped with a warning naming the file, the field and the valid values', async () => {
    const root = org();
    drop(root, 'planner', 'note.md', 'manager', 'Soon', 'asap');
    const events = await runEngine(root, {}, { providerFactory: () => new ScriptedProvider(() => ({})) });
    const warning = ofType(events, 'warning').find((event) => event.file === 'agents/planner/outbox/note.md');
    expect(warning?.message).toContain('has an invalid front matter field priority: must be one of low, normal, high, urgent, for example `priority: high`');
    const validate = lemming(root, ['validate']);
    expect(validate.stdout).toContain('agents/planner/outbox/note.md: has an invalid front matter field priority: must be one of low, normal, high, urgent');
  });
});
