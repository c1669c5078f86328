import { describe, expect, test } from 'vitest';
import { cutAtWord, plainText, previewOf } from '../../src/ui/shared/preview.js';

describe('a line of preview', () => {
  test('markdown shows as its words: headings, emphasis, code, quotes, lists, links and tables lose their marks', () => {
    expect(plainText('# Plan\n\nPlease write **the notes** and _then_ `npm test`.')).toBe('Plan Please write the notes and then npm test.');
    expect(plainText('> quoted\n- one\n- two\n1. first\n\n[the docs](https://example.com) ![a chart](c.png)')).toBe('quoted one two first the docs a chart');
    expect(plainText('| a | b |\n|---|---|\n| 1 | 2 |')).toBe('a b 1 2');
    expect(plainText('```js\nconst x = 1;\n```')).toBe('const x = 1;');
    // Names with underscores and a lone star are words, not emphasis.
    expect(plainText('coder_01 wrote test_release_notes.py; 2 * 3 = 6')).toBe('coder_01 wrote test_release_notes.py; 2 * 3 = 6');
  });

  test('a long text is cut at a word and ends with "…"; a short one is whole; a word longer than the room is cut inside it', () => {
    expect(cutAtWord('short enough', 20)).toBe('short enough');
    expect(cutAtWord('the release notes for version 1.2, with every change', 30)).toBe('the release notes for version…');
    expect(cutAtWord('one, two, three, four', 12)).toBe('one, two…');
    expect(cutAtWord('a'.repeat(50), 10)).toBe(`${'a'.repeat(9)}…`);
    const preview = previewOf(`# Title\n\n${'word '.repeat(60)}`, 100);
    expect(preview.length).toBeLessThanOrEqual(100);
    expect(preview).toMatch(/ word…$/);
  });
});
