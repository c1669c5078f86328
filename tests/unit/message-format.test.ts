import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { parseSimpleFrontMatter, splitByFencePatterns, splitOwnFrontMatter } from '../../src/mailbox/front-matter-fast.js';
import { formatMessage, parseMessage } from '../../src/mailbox/message-format.js';
import { messageFileName, parseMessageFileName, type Message } from '../../src/mailbox/message.js';

const message: Message = {
  id: '000012-manager-001',
  from: 'manager',
  to: 'planner',
  turn: 12,
  created: '2026-11-21T09:14:03.120Z',
  subject: 'Break the release: into tasks',
  priority: 'high',
  replyTo: '000011-human-001',
  model: 'gpt-4o-mini',
  usage: { inputTokens: 812, outputTokens: 144, credits: 0.00021 },
  body: 'Please split the plan.\n\n---\nA line that looks like a fence.',
};

describe('splitOwnFrontMatter', () => {
  test('splits as the fences\' patterns do: the form lemming writes, and fences with blanks, other line breaks or none after them', () => {
    const texts = [
      '---\ntitle: Worker agent_0005\nmodel: bench\ncredits: 1000000\n---\nPass work on to the next agent.\n',
      '---\n---\nbody',
      '---\n---',
      '---\n--- \nbody',
      '---\n----\na: 1\n---\nbody',
      '---\na: 1\n--- \nb: 2\n---\nbody',
      '---\na: 1\n----\n---\nbody',
      '---\na: 1\n---\t\nbody\n---\nmore',
      '---\na: 1\n---\r\nbody',
      '---\na: 1\r---\nb: 2\n---\nbody',
      '---\na: 1\u2028---\nb: 2\n---\nbody',
      '---\na: 1\n---\u2029b\n---\nbody',
      '---\na: 1\n---',
      '---\na: 1\n',
      '--- \na: 1\n---\nbody',
      '---\r\na: 1\r\n---\r\nbody',
      'a: 1\n---\nbody',
      '',
      '---\n',
      '---\na: 1\n\n---\n\n---\nbody',
    ];
    for (const text of texts) expect({ text, split: splitOwnFrontMatter(text) }).toEqual({ text, split: splitByFencePatterns(text) });
  });
});

describe('message files', () => {
  test('format then parse gives the same message back', () => {
    const parsed = parseMessage(formatMessage(message));
    expect('message' in parsed).toBe(true);
    if (!('message' in parsed)) return;
    expect(parsed.message).toMatchObject({
      id: message.id,
      claimedFrom: 'manager',
      to: 'planner',
      turn: 12,
      created: message.created,
      subject: message.subject,
      priority: 'high',
      replyTo: message.replyTo,
      model: 'gpt-4o-mini',
      usage: message.usage,
      body: message.body,
    });
  });

  test('the front matter matches the documented layout, with usage on one line', () => {
    const text = formatMessage(message);
    expect(text).toContain('usage: { input_tokens: 812, output_tokens: 144, credits: 0.00021 }');
    expect(text.startsWith('---\nid: 000012-manager-001\nfrom: manager\nto: planner\nturn: 12\n')).toBe(true);
  });

  test('cache counts are written only when a call had some, and read back the same by the fast path and by YAML', () => {
    const cached = { ...message, usage: { inputTokens: 2400, outputTokens: 80, cachedInputTokens: 1800, cacheWriteTokens: 400, credits: 0.00384, estimated: true } };
    const text = formatMessage(cached);
    expect(text).toContain('usage: { input_tokens: 2400, output_tokens: 80, cached_input_tokens: 1800, cache_write_tokens: 400, credits: 0.00384, estimated: true }');
    const yaml = splitOwnFrontMatter(text)?.yaml ?? '';
    expect(parseSimpleFrontMatter(yaml)?.usage).toEqual(parse(yaml).usage);
    expect(parseMessage(text)).toMatchObject({ message: { usage: cached.usage } });
    // A hand-written file in another key order takes the YAML path and means the same.
    const reordered = text.replace(/^usage: .*$/m, 'usage: { credits: 0.00384, cache_write_tokens: 400, input_tokens: 2400, cached_input_tokens: 1800, output_tokens: 80, estimated: true }');
    expect(parseMessage(reordered)).toMatchObject({ message: { usage: cached.usage } });
    const readOnly = formatMessage({ ...message, usage: { inputTokens: 2000, outputTokens: 100, cachedInputTokens: 1536, credits: 0.00408 } });
    expect(readOnly).toContain('usage: { input_tokens: 2000, output_tokens: 100, cached_input_tokens: 1536, credits: 0.00408 }');
    expect(formatMessage({ ...message, usage: { inputTokens: 812, outputTokens: 144, cachedInputTokens: 0, cacheWriteTokens: 0, credits: 0.00021 } })).toContain('usage: { input_tokens: 812, output_tokens: 144, credits: 0.00021 }');
  });

  test('credits never appear in exponent notation', () => {
    const text = formatMessage({ ...message, usage: { inputTokens: 1, outputTokens: 0, credits: 0.0000025 } });
    expect(text).toContain('credits: 0.0000025');
  });

  test('broken front matter, no front matter, binary and a missing recipient are errors, not crashes', () => {
    expect(parseMessage('---\nto: [planner\n---\nhi')).toMatchObject({ error: expect.stringContaining('broken front matter') });
    expect(parseMessage('just text')).toMatchObject({ error: expect.stringContaining('no front matter') });
    expect(parseMessage('---\nto: a\n---\n\u0000\u0001')).toMatchObject({ error: expect.stringContaining('binary') });
    expect(parseMessage('---\nsubject: hi\n---\nbody')).toMatchObject({ error: expect.stringContaining('to') });
  });

  test('file names sort by turn and sequence and carry the recipient', () => {
    expect(messageFileName(12, 1, 'planner')).toBe('000012-001-planner.md');
    expect(parseMessageFileName('000012-001-planner.md')).toEqual({ turn: 12, seq: 1, to: 'planner', others: 0 });
    expect(parseMessageFileName('../000012-001-planner.md')).toBeUndefined();
    expect(messageFileName(9, 2, 'a') < messageFileName(10, 1, 'a')).toBe(true);
  });
});
