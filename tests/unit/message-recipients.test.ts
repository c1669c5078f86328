import { describe, expect, test } from 'vitest';
import { formatMessage, parseMessage } from '../../src/mailbox/message-format.js';
import { messageFileName, parseMessageFileName, recipientsOf, type Message } from '../../src/mailbox/message.js';
import { mayRead } from '../../src/mailbox/readable-mail.js';
import { parseSimpleFrontMatter, splitOwnFrontMatter } from '../../src/mailbox/front-matter-fast.js';

const base: Message = { id: '000003-manager-001', from: 'manager', to: 'planner', turn: 3, created: '2026-11-21T09:14:03.120Z', priority: 'normal', body: 'hello' };

describe('a message to several people, as a file', () => {
  test('a message to one name is written exactly as before: `to: planner`, no cc line, the old file name', () => {
    const text = formatMessage(base);
    expect(text).toMatch(/^to: planner$/m);
    expect(text).not.toMatch(/^cc:/m);
    expect(messageFileName(3, 1, 'planner')).toBe('000003-001-planner.md');
    expect(parseMessageFileName('000003-001-planner.md')).toEqual({ turn: 3, seq: 1, to: 'planner', others: 0 });
  });

  test('to: and cc: lists round-trip, on the fast path and through the YAML parser alike', () => {
    const message: Message = { ...base, alsoTo: ['hr'], cc: ['janitor', 'human'] };
    const text = formatMessage(message);
    expect(text).toMatch(/^to: \[planner, hr\]\ncc: \[janitor, human\]$/m);
    const own = splitOwnFrontMatter(text);
    expect(parseSimpleFrontMatter(own?.yaml ?? '')).toMatchObject({ to: ['planner', 'hr'], cc: ['janitor', 'human'] });
    const parsed = parseMessage(text);
    expect(parsed).toMatchObject({ message: { to: 'planner', alsoTo: ['hr'], cc: ['janitor', 'human'] } });
    // Written by a person, in block style: the same fields.
    const handWritten = parseMessage('---\nto:\n  - planner\n  - hr\ncc:\n  - janitor\n---\nhi\n');
    expect(handWritten).toMatchObject({ message: { to: 'planner', alsoTo: ['hr'], cc: ['janitor'] } });
    expect(recipientsOf({ to: 'planner', alsoTo: ['hr', 'planner'], cc: ['hr', 'janitor'] })).toEqual(['planner', 'hr', 'janitor']);
  });

  test('an empty to: list, a cc: that is not a list, and [true] are refused with the field named', () => {
    expect(parseMessage('---\nto: []\n---\nx\n')).toEqual({ error: expect.stringMatching(/field to: .*at least one/), line: 2 });
    expect(parseMessage('---\nto: planner\ncc: hr\n---\nx\n')).toEqual({ error: expect.stringMatching(/field cc: must be a list of agent names/), line: 3 });
    expect(parseMessage('---\nto: [true]\n---\nx\n')).toEqual({ error: expect.stringMatching(/field to/), line: 2 });
  });

  test('the file name of a message to three says so, and its id is the one a single message would have', () => {
    expect(messageFileName(12, 1, 'planner', 2)).toBe('000012-001-planner+2.md');
    expect(parseMessageFileName('000012-001-planner+2.md')).toEqual({ turn: 12, seq: 1, to: 'planner', others: 2 });
  });

  test('each name of to: and cc: may read the delivered file by id; no one else, and no one before delivery', () => {
    const message = { ...base, alsoTo: ['hr'], cc: ['janitor'] };
    const file = { sender: 'manager', name: '000003-001-planner+2.md' };
    for (const reader of ['manager', 'planner', 'hr', 'janitor']) expect(mayRead(reader, message, file, () => true)).toBe(true);
    expect(mayRead('coder_01', message, file, () => true)).toBe(false);
    expect(mayRead('janitor', message, file, () => false)).toBe(false);
  });
});
