import { describe, expect, test } from 'vitest';
import { formatMessage } from '../../src/mailbox/message-format.js';
import { readMessageFile } from '../../src/mailbox/message-file.js';
import { capBody, capSubject } from '../../src/mailbox/message-text.js';
import type { Message } from '../../src/mailbox/message.js';
import { tempDir, write } from '../helpers/org-files.js';

/** Drop `text` into the manager's outbox as `name` and read it as the engine does, bodies capped at 100. */
function dropAndRead(text: string, name = 'note.md') {
  const root = tempDir();
  write(root, `agents/manager/outbox/${name}`, text);
  return readMessageFile(root, 'manager', name, 3, 100);
}

describe('a message file read as the engine reads it', () => {
  test('fields past their caps: the subject and body cut and saying so, the rest dropped, each named in a note', () => {
    const read = dropAndRead(
      `---\nto: planner\nsubject: ${'Long subject '.repeat(50)}\nreply_to: re your note\nmodel: "two\\nlines"\nid: ${'i'.repeat(200)}\n---\n${'b'.repeat(150)}\n`,
    );
    if ('error' in read) throw new Error(read.error);
    expect(read.message.subject).toMatch(/^Long subject .* \[lemming: \d+ more characters cut\]$/);
    expect(read.message.body).toBe(`${'b'.repeat(100)}\n\n[lemming: 50 more characters were cut; messages are capped at 100 characters (org.yaml engine.max_body_chars)]`);
    expect(read.message).not.toHaveProperty('replyTo');
    expect(read.message).not.toHaveProperty('model');
    expect(read.message.id).toBe('000003-manager-note.md');
    expect(read.notes).toEqual([
      'its body is 150 characters; it was cut to 100 (org.yaml engine.max_body_chars)',
      'its `subject:` is 649 characters; it was cut to 200 (subjects are capped at 200 characters)',
      'its `reply_to:` "re your note" is not a message id (ids look like "000012-manager-001"); it was dropped',
      'its `model:` "two\\nlines" is not a model name (one line of text); it was dropped',
      "its `id:` is 200 characters, more than an id can be (at most 120); it was ignored (a message's id comes from its file name)",
    ]);
  });

  test('a recipient longer than any agent name makes the file no message, with a valid example', () => {
    expect(dropAndRead(`---\nto: ${'p'.repeat(65)}\n---\nHello.\n`)).toEqual({
      error: 'has a `to:` of 65 characters; a recipient is an agent name of at most 64 characters, for example `to: planner`',
    });
  });

  test('front matter that does not end within what is read says the file is too big, not that it has none', () => {
    const read = dropAndRead(`---\nto: planner\nsubject: ${'x'.repeat(5 * 1024 * 1024)}\n---\nHello.\n`);
    expect(read).toEqual({ error: expect.stringMatching(/has no front matter; .* \(the file is 5242\d{3} bytes, and only its first 4194304 are read\)$/) });
  });

  test('a file lemming wrote, with its body and subject capped, reads back as it was written, with no notes', () => {
    const message: Message = {
      id: '000004-manager-001',
      from: 'manager',
      to: 'planner',
      turn: 4,
      created: '2026-01-01T00:00:00.000Z',
      subject: capSubject('s'.repeat(500)).subject as string,
      priority: 'high',
      replyTo: '000003-planner-note.md',
      model: 'offline',
      body: capBody('b'.repeat(300), 100),
    };
    const root = tempDir();
    write(root, 'agents/manager/outbox/000004-001-planner.md', formatMessage(message));
    expect(readMessageFile(root, 'manager', '000004-001-planner.md', 0, 100)).toEqual({ message, notes: [] });
  });
});
