import { describe, expect, test } from 'vitest';
import { mergeSection } from '../../bench/report.js';
import type { SectionResult } from '../../bench/row.js';

const section = (title: string, ms: number, seconds: number): SectionResult => ({
  title,
  about: `What ${title} measures.`,
  rows: [{ what: `a step of ${title}`, figure: { ms: { median: ms, min: ms, max: ms, runs: 1 } } }],
  seconds,
  ranApart: { date: '2026-11-26T06:00:00.000Z', loadBefore: [1, 1, 1], loadAfter: [1, 1, 1] },
});

const RESULTS = [
  '# lemming benchmark results',
  '',
  '## 1. Scale',
  '',
  'What Scale measures.',
  '',
  '| what | on | measured | target | met | floor | × floor |',
  '| --- | --- | --- | --- | --- | --- | ---: |',
  '| a step of Scale |  | 9.0 ms (9.0–9.0) | — |  |  |  |',
  '',
  '(81 s)',
  '',
  'Run by hand at 05:58: the notes on Scale, kept across runs.',
  '',
  '## 2. Peers',
  '',
  'What Peers measures.',
  '',
  '(12 s)',
  '',
  'The notes on Peers.',
  '',
  'The whole benchmark took 93 s.',
  '',
].join('\n');

describe('a section run apart and merged into bench/results.md', () => {
  test('takes the place of its table and keeps the notes written under it and under the others', () => {
    const merged = mergeSection(RESULTS, section('Scale', 7, 64));
    expect(merged).toContain('| a step of Scale |  | 7.0 ms (7.0–7.0) |');
    expect(merged).not.toContain('9.0 ms');
    expect(merged).toContain('\n(64 s)\n\nRun by hand at 05:58: the notes on Scale, kept across runs.\n\n## 2. Peers\n');
    expect(merged).not.toContain('(81 s)');
    expect(merged).toContain('\n(12 s)\n\nThe notes on Peers.\n\nThe whole benchmark took 93 s.\n');
    // Merged again, nothing doubles.
    expect(mergeSection(merged, section('Scale', 7, 64))).toBe(merged);
  });

  test('the last section keeps its notes too, and a new section goes before the closing line', () => {
    const merged = mergeSection(RESULTS, section('Peers', 5, 13));
    expect(merged).toContain('\n(13 s)\n\nThe notes on Peers.\n\nThe whole benchmark took 93 s.\n');
    const added = mergeSection(RESULTS, section('Memory', 3, 2));
    expect(added).toContain('The notes on Peers.\n\n## 3. Memory\n');
    expect(added.trimEnd().endsWith('The whole benchmark took 93 s.')).toBe(true);
  });
});
