import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { isPlainSafe, parseSimpleFrontMatter, yamlString } from '../../src/mailbox/front-matter-fast.js';
import { parseMessage } from '../../src/mailbox/message-format.js';

const samples = [
  'Plan the first release',
  '000012-manager-001',
  '2026-11-21T09:14:03.120Z',
  'Re: Plan it',
  'a # not a comment',
  'true',
  'No',
  '~',
  '123',
  '1e5',
  '0x1F',
  '.inf',
  '- starts like a list',
  '[not, a, list]',
  "it's fine",
  "'quoted'",
  '"double"',
  'ends with space ',
  ' starts with space',
  'tab\there',
  'new\nline',
  'unicode: café ✓',
  '{ input_tokens: 1 }',
  '@handle',
  '%percent',
  '*star',
  '&anchor',
  '!tag',
  '|',
  '>',
  '',
  'back\\slash',
  '\u0000nul',
  '\u2028separator',
  'yes',
  'Off',
  'n',
  'NULL',
  'agent_0005',
  '_hidden',
  '12-ab',
  '1_000',
  '1.5e3',
  'e5',
  '0o17',
  '000006-agent_0005-001',
];

describe('the fast front matter path', () => {
  test.each(samples)('%j reads back through the full YAML parser as itself', (sample) => {
    expect(parse(`key: ${yamlString(sample)}`)).toEqual({ key: sample });
  });

  test.each(samples)('%j reads back through the fast parser as itself, or defers to YAML', (sample) => {
    const fast = parseSimpleFrontMatter(`subject: ${yamlString(sample)}`);
    expect(fast === undefined || fast.subject === sample).toBe(true);
  });

  test.each([
    ['of every kind', 'ab Z09:#-\'"{}[],&*!|>%@`\\\n\t~.?é'],
    ['of the letters of keywords and numbers', 'ynoeftrusalxYNO0189_.+-'],
  ])('random strings %s survive the round trip', (_kind, alphabet) => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let index = 0; index < 4000; index += 1) {
      const text = Array.from({ length: Math.floor(random() * 8) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      expect(parse(`key: ${yamlString(text)}`)).toEqual({ key: text });
      const fast = parseSimpleFrontMatter(`key: ${yamlString(text)}`);
      if (fast) expect(fast.key).toBe(text);
    }
  });

  test('anything unusual defers to the full parser', () => {
    expect(parseSimpleFrontMatter('to: planner\n# a comment')).toBeUndefined();
    // A list of names as lemming writes it is read here (`to: [planner, hr]`); any other list is YAML's.
    expect(parseSimpleFrontMatter('to: [planner,hr]')).toBeUndefined();
    expect(parseSimpleFrontMatter('subject: [planner]')).toBeUndefined();
    expect(parseSimpleFrontMatter('cc: [planner, "hr"]')).toBeUndefined();
    expect(parseSimpleFrontMatter('turn: twelve')).toBeUndefined();
    expect(parseSimpleFrontMatter('to: a\nto: b')).toBeUndefined();
    // Each line is `[a-z_]+: ` and a value holding no line break but `\n`, as the pattern `^([a-z_]+): (.*)$` read it.
    for (const yaml of ['to: planner\rcc: hr', 'subject: one\u2028two', 'Subject: Hello', 'to:planner', ': planner', 'constructor: planner']) {
      expect({ yaml, read: parseSimpleFrontMatter(yaml) }).toEqual({ yaml, read: undefined });
    }
    expect(parseSimpleFrontMatter('\nto: planner\n\nsubject: Hi there\n')).toEqual({ to: 'planner', subject: 'Hi there' });
    expect(parseSimpleFrontMatter('to: planner\nturn: 12')).toEqual({ to: 'planner', turn: 12 });
    expect(parseSimpleFrontMatter('')).toEqual({});
    expect(isPlainSafe('yes')).toBe(false);
  });
});

test('reading message files keeps none of them in memory: nothing the parser keeps is a slice of a whole file', () => {
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as () => void;
  const body = 'x'.repeat(16 * 1024);
  collect();
  const before = process.memoryUsage().heapUsed;
  for (let index = 0; index < 2000; index += 1) {
    // A subject and a sender long enough for V8 to slice them out of the file's text rather than copy them.
    const file = `---\nid: 000012-manager_${index}-001\nfrom: a_long_sender_name_${index}\nto: planner\nturn: 12\nsubject: Break the release into tasks, part ${index}\n---\n${body}${index}`;
    const parsed = parseMessage(file);
    if ('error' in parsed) throw new Error(parsed.error);
    expect(parsed.message.subject).toBe(`Break the release into tasks, part ${index}`);
  }
  collect();
  const grown = process.memoryUsage().heapUsed - before;
  // With each value kept as a slice of its file, some 20 MB of the 32 MB read stayed alive.
  expect(grown).toBeLessThan(4 * 1024 * 1024);
});
