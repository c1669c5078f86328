import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compareWithReference } from '../../src/reference/compare-reference.js';
import { directedNetwork } from '../../src/reference/directed-network.js';
import { renderReference } from '../../src/reference/render-reference.js';
import { parseTimedEdges, randomWindows, spanDays, windowNetwork } from '../../src/reference/timed-edges.js';
import { lemming } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dirs.js';

const DAY = 86_400;

/** Four people over 30 days: a and b write every day, c writes to d only in the first ten. */
function thirtyDays(): string {
  const lines = ['# SENDER RECIPIENT SECONDS'];
  for (let day = 0; day < 30; day += 1) {
    lines.push(`a b ${day * DAY + 100}`, `b a ${day * DAY + 200}`);
    if (day < 10) lines.push(`c d ${day * DAY + 300}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('windows of timestamped email', () => {
  test('a window holds everyone and an edge for each pair with an email in it', () => {
    const { edges, problems } = parseTimedEdges(thirtyDays(), 'mail.txt');
    expect(problems).toEqual([]);
    expect(edges.people).toEqual(['a', 'b', 'c', 'd']);
    expect(edges.emails).toHaveLength(70);
    expect(spanDays(edges)).toBeCloseTo(29 + 100 / DAY, 6);
    const late = windowNetwork(edges, 12 * DAY, 7);
    expect(late.people).toEqual(['a', 'b', 'c', 'd']);
    expect(late.edges).toEqual([['a', 'b'], ['b', 'a']]);
    expect(windowNetwork(edges, 0, 7).edges).toEqual([['a', 'b'], ['b', 'a'], ['c', 'd']]);
    // The same seed draws the same windows; the whole span when a window is no shorter.
    expect(randomWindows(edges, 7, 5, 3)).toEqual(randomWindows(edges, 7, 5, 3));
    expect(randomWindows(edges, 40, 2, 3).map((network) => network.edges.length)).toEqual([3, 3]);
  });

  test('bad lines are named with a valid one', () => {
    const { problems } = parseTimedEdges('a b 5\na b\na b soon\n', 'mail.txt');
    expect(problems).toEqual([
      { line: 2, message: 'has 2 field(s); a line holds three, the sender, the recipient and the time in seconds, separated by a space or a tab, like `582 364 2797`' },
      { line: 3, message: 'the time "soon" is not a whole number of seconds; a valid line looks like `582 364 2797`' },
    ]);
  });

  test('the runs read against windows: a range for each measure the windows have, none for departments', () => {
    const { edges } = parseTimedEdges(thirtyDays(), 'mail.txt');
    const real = directedNetwork(edges.people, [['a', 'b'], ['b', 'a'], ['c', 'd']], new Map([['a', '1'], ['b', '1'], ['c', '2'], ['d', '2']]));
    const run = directedNetwork(['a', 'b', 'c', 'd'], [['a', 'b'], ['b', 'a']], new Map([['a', '1'], ['b', '1'], ['c', '2'], ['d', '2']]));
    const networks = randomWindows(edges, 7, 20, 1);
    const comparison = compareWithReference({ source: 'real.txt', network: real }, [{ source: 'run', network: run }], { summary: { file: 'mail.txt', days: 7, spanDays: spanDays(edges), people: 4, emails: 70, count: 20 }, networks });
    const rows = new Map(comparison.rows.map((row) => [row.measure, row]));
    // d never writes; windows after day 10 have c silent too: a share of people who never write of 1/2, those before 1/4.
    expect(rows.get('neverWrite')?.windows).toEqual([0.25, 0.5]);
    expect(rows.get('insideDepartments')?.windows).toBeUndefined();
    const text = renderReference(comparison);
    expect(text).toContain('| real, 7-day windows |');
    expect(text).toContain('**Real windows** are 20 stretches of 7 days of the institution\'s email (mail.txt: 70 emails among 4 people over 29 days)');
  });

  test('--windows and --window-days go together, and with --reference', () => {
    const folder = tempDir();
    writeFileSync(join(folder, 'mail.txt'), thirtyDays());
    const alone = lemming(folder, ['analyze', '--windows', join(folder, 'mail.txt'), '--window-days', '7']);
    expect(alone.status).toBe(2);
    expect(alone.stderr).toContain('--labels, --runs and --windows go with --reference EDGES');
    const half = lemming(folder, ['analyze', '--reference', join(folder, 'mail.txt'), '--windows', join(folder, 'mail.txt')]);
    expect(half.status).toBe(2);
    expect(half.stderr).toContain('--windows FILE and --window-days N go together');
  });
});
