import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { unifiedDiff } from '../../src/diff/unified-diff.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { tempDir } from '../helpers/org-files.js';

/** GNU diff's unified output of the same two texts, without its two header lines. */
function gnuDiff(before: string, after: string): string[] {
  const folder = tempDir();
  writeFileSync(join(folder, 'a'), before);
  writeFileSync(join(folder, 'b'), after);
  const result = spawnSync('diff', ['-u', join(folder, 'a'), join(folder, 'b')], { encoding: 'utf8' });
  return result.stdout.split('\n').slice(2, -1);
}

/** B made again from A and the hunks: what a patch program does. */
function applyHunks(before: string[], hunks: string[]): string[] {
  const after: string[] = [];
  let next = 0;
  for (const line of hunks) {
    const header = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(line);
    if (header) {
      const count = header[2] === undefined ? 1 : Number(header[2]);
      const start = count === 0 ? Number(header[1]) : Number(header[1]) - 1;
      while (next < start) after.push(before[next++] as string);
      continue;
    }
    if (line.startsWith(' ')) {
      expect(before[next]).toBe(line.slice(1));
      after.push(before[next++] as string);
    } else if (line.startsWith('-')) {
      expect(before[next]).toBe(line.slice(1));
      next += 1;
    } else after.push(line.slice(1));
  }
  while (next < before.length) after.push(before[next++] as string);
  return after;
}

/** The fewest lines removed and added that turn A into B: A's and B's lengths less twice their longest common subsequence. */
function fewestEdits(a: string[], b: string[]): number {
  const table = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      table[i]![j] = a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
    }
  }
  return a.length + b.length - 2 * table[0]![0]!;
}

describe('unifiedDiff', () => {
  test('the same texts give no lines; a changed line gives the hunk GNU diff -u gives', () => {
    expect(unifiedDiff('same\ntext\n', 'same\ntext\n', 'A/x', 'B/x')).toEqual([]);
    const before = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'].join('\n') + '\n';
    const after = before.replace('two', 'TWO').replace('eleven\n', 'eleven\nand a half\n');
    const lines = unifiedDiff(before, after, 'A/x.md', 'B/x.md');
    expect(lines.slice(0, 2)).toEqual(['--- A/x.md', '+++ B/x.md']);
    expect(lines.slice(2)).toEqual(gnuDiff(before, after));
    expect(lines.slice(2)).toEqual(['@@ -1,5 +1,5 @@', ' one', '-two', '+TWO', ' three', ' four', ' five', '@@ -9,4 +9,5 @@', ' nine', ' ten', ' eleven', '+and a half', ' twelve']);
  });

  test('an empty side: every line added, or every line removed', () => {
    expect(unifiedDiff('', 'a\nb\n', '/dev/null', 'B/f')).toEqual(['--- /dev/null', '+++ B/f', '@@ -0,0 +1,2 @@', '+a', '+b']);
    expect(unifiedDiff('a\n', '', 'A/f', '/dev/null')).toEqual(['--- A/f', '+++ /dev/null', '@@ -1 +0,0 @@', '-a']);
  });

  test('texts that differ only in their last line break say so', () => {
    expect(unifiedDiff('a\n', 'a', 'A/f', 'B/f')).toEqual(['--- A/f', '+++ B/f', '(the texts differ only in the line breaks at their end)']);
  });

  test('random texts: the hunks turn A into B, with the fewest lines removed and added', () => {
    const { next: random } = seededRandom(39);
    for (let round = 0; round < 300; round += 1) {
      const words = ['a', 'b', 'c', 'd'];
      const make = (): string[] => Array.from({ length: Math.floor(random() * 30) }, () => words[Math.floor(random() * words.length)] as string);
      const a = make();
      const b = random() < 0.5 ? make() : a.map((line) => (random() < 0.2 ? 'x' : line)).filter(() => random() > 0.1);
      const text = (lines: string[]): string => lines.map((line) => `${line}\n`).join('');
      const hunks = unifiedDiff(text(a), text(b), 'A', 'B').slice(2);
      if (text(a) === text(b)) continue;
      expect(applyHunks(a, hunks)).toEqual(b);
      expect(hunks.filter((line) => /^[-+]/.test(line)).length).toBe(fewestEdits(a, b));
    }
  });
});
