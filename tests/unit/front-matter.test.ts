import { describe, expect, test } from 'vitest';
import { splitFrontMatter } from '../../src/mailbox/front-matter.js';
import { parseMessage } from '../../src/mailbox/message-format.js';
import { parseResume } from '../../src/org/parse-files.js';

describe('front matter of files people write (gray-matter, yaml as its engine)', () => {
  test('splits the fences, the body and the line the body starts on, CRLF and a BOM included', () => {
    const parts = splitFrontMatter('\uFEFF---\r\ntitle: Planner\r\nmodel: offline\r\n--- \r\nPlan the work.\r\n');
    expect(parts).toMatchObject({ yaml: 'title: Planner\r\nmodel: offline\r\n', body: 'Plan the work.\r\n', bodyLine: 5 });
    expect(parts?.parsed).toMatchObject({ value: { title: 'Planner', model: 'offline' }, errors: [] });
    // A field's line is the file's, the BOM and the opening fence counted.
    expect(parts?.parsed.lineOf?.(['model'])).toBe(3);
    expect(splitFrontMatter('---\n---\nJust a body\n')).toMatchObject({ yaml: '', body: 'Just a body\n', bodyLine: 3 });
  });

  test('no opening fence, or one never closed, is no front matter', () => {
    expect(splitFrontMatter('title: x\n')).toBeUndefined();
    expect(splitFrontMatter('---\ntitle: x\nno closing fence\n')).toBeUndefined();
  });

  test('a YAML error is reported at its line in the file', () => {
    const parts = splitFrontMatter('---\nto: planner\nsubject: [unclosed\npriority: high\n---\nBody\n');
    expect(parts?.parsed.errors[0]?.line).toBeGreaterThanOrEqual(3);
    const parsed = parseMessage('---\nto: planner\nto: manager\n---\nBody\n');
    expect(parsed).toEqual({ error: expect.stringMatching(/^has broken front matter at line 3: .*unique/i) });
  });

  test('front matter in another language is never evaluated', () => {
    const marker = '__lemming_front_matter_evaluated__';
    const text = `---js\n{ to: (globalThis.${marker} = 'planner') }\n---\nBody\n`;
    expect(parseMessage(text)).toEqual({ error: expect.stringContaining('has no front matter') });
    expect(parseResume(text, 'agents/x/resume.md').problems[0]?.message).toContain('has no front matter');
    expect((globalThis as Record<string, unknown>)[marker]).toBeUndefined();
  });

  test('a message a person drops in, in any YAML style, reads as the one lemming writes', () => {
    const dropped = parseMessage("---\n# a note to the planner\nto: 'planner'\nsubject: >-\n  Plan the\n  release\npriority: high\n---\nPlease plan it.\n");
    expect(dropped).toEqual({ message: { to: 'planner', subject: 'Plan the release', priority: 'high', body: 'Please plan it.' } });
  });
});
