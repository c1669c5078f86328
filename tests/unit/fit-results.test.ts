import { describe, expect, test } from 'vitest';
import { cutOlderMail, fitResults, type RanTool } from '../../src/engine/turn/fit-results.js';

function ran(name: string, content: string, args: Record<string, unknown> = {}): RanTool {
  return { call: { id: `call_${name}`, name, arguments: args }, result: { content, isError: false } };
}

describe('tool results fit what the context window has left', () => {
  test('results that fit are shown whole', () => {
    const tools = [ran('list_files', 'a.md\nb.md')];
    expect(fitResults(tools, 'looking', 10_000)).toEqual({ ran: tools, cut: 0 });
  });

  test('the longest are cut first, each saying how much was shown; read_file says which line to read on from', () => {
    const file = Array.from({ length: 500 }, (_, index) => `line ${index + 1}`).join('\n');
    const fitted = fitResults([ran('list_files', 'a.md'), ran('read_file', file, { path: 'big.md', start_line: 11 })], '', 2_000);
    if ('tooLarge' in fitted) throw new Error('should fit, cut');
    expect(fitted.cut).toBe(1);
    expect(fitted.ran[0]?.result.content).toBe('a.md');
    const shown = fitted.ran[1]?.result.content ?? '';
    const kept = shown.slice(0, shown.indexOf('\n[lemming:'));
    const next = 11 + (kept.match(/\n/g)?.length ?? 0);
    expect(shown).toMatch(new RegExp(`\\[lemming: cut to fit your context window: ${kept.length} of ${file.length} characters shown; read on with read_file \\{"path":"big.md","start_line":${next}\\}\\]$`));
    // The whole step stays within the room it was given.
    expect(fitted.ran.reduce((sum, tool) => sum + tool.result.content.length, 0)).toBeLessThanOrEqual(2_000 - 400 - 2 * 160);
  });

  test('too little room for anything useful: the results do not fit', () => {
    expect(fitResults([ran('read_file', 'x'.repeat(10_000), { path: 'x.md' })], '', 500)).toEqual({ tooLarge: true });
  });
});

describe('results that do not fit even cut make room in the older mail', () => {
  const mail = { role: 'user' as const, content: `Turn 3. You have 1 new message(s).\n${'a long request. '.repeat(400)}` };
  test('the mail read in step 1 keeps its start, saying how much; the room grows by what was cut', () => {
    const tools = [ran('read_file', 'x'.repeat(50_000), { path: 'big.md' })];
    expect(fitResults(tools, '', 300)).toEqual({ tooLarge: true });
    const older = cutOlderMail([mail], tools, '', 300);
    if (!older) throw new Error('the mail is long enough to make room');
    const kept = older.messages[0]?.content ?? '';
    expect(kept).toMatch(/^Turn 3\. You have 1 new message\(s\)\./);
    expect(kept).toMatch(new RegExp(`\\[lemming: cut to make room for your tool results: \\d+ of ${mail.content.length} characters of the mail you read in step 1 kept\\]$`));
    expect(older.room).toBe(300 + mail.content.length - kept.length);
    expect(fitResults(tools, '', older.room)).toMatchObject({ cut: 1 });
  });

  test('mail too short to give the room is left whole: the results do not fit', () => {
    expect(cutOlderMail([{ role: 'user', content: 'Read big.md.' }], [ran('read_file', 'x'.repeat(50_000))], '', 300)).toBeUndefined();
  });
});
