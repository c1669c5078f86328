import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming, lemmingProcess } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/org-files.js';
import { tempDir } from '../helpers/temp-dirs.js';

/*
 * `lemming import-network` of a network whose org the loader would refuse (issue 60, finding 5):
 * refused before a byte is written, in bounded memory, with what would fit; a write that fails
 * leaves the folder as it was.
 */

const TINY = join(REPO_ROOT, 'tests', 'fixtures', 'network', 'tiny-edges.txt');

/** The heap the command is given: the complete graph below took 2.4 GB before it was refused. */
const HEAP = ['--max-old-space-size=256'];

function besides(root: string): string[] {
  return readdirSync(dirname(root)).sort();
}

describe('import-network within bounds', () => {
  test('a complete graph on 2,000 people (4 million edges, 35 MB) is refused in a 256 MB heap, before a byte is written', { timeout: 120_000 }, () => {
    const folder = tempDir();
    const edges = join(folder, 'complete.txt');
    const lines: string[] = [];
    for (let from = 0; from < 2_000; from += 1) {
      const row: string[] = [];
      for (let to = 0; to < 2_000; to += 1) if (to !== from) row.push(`${from} ${to}`);
      lines.push(row.join('\n'));
    }
    writeFileSync(edges, `${lines.join('\n')}\n`);
    const root = join(folder, 'org');
    const run = lemmingProcess(root, ['import-network', edges], { NODE_OPTIONS: HEAP.join(' ') });
    expect(run.signal).toBeNull();
    // Reading stops at the bound every network lemming reads is held to (a million edges: a chart of them fits the loader's 32 MiB).
    expect(run.stderr).toMatch(/complete\.txt:\d+: the 1,000,001st distinct edge; a network read by lemming has at most 1,000,000 edges and 1,000,000 people: give a part of it/);
    expect(run.status).toBe(2);
    expect(besides(root)).toEqual(['complete.txt']);
  });

  test('--chart department over one department of 2,000 people is refused before the chart is built, and says what would fit', { timeout: 120_000 }, () => {
    const folder = tempDir();
    const edges = join(folder, 'path.txt');
    writeFileSync(edges, `${Array.from({ length: 1_999 }, (_, index) => `${index} ${index + 1}`).join('\n')}\n`);
    const root = join(folder, 'org');
    const run = lemmingProcess(root, ['import-network', edges, '--chart', 'department'], { NODE_OPTIONS: HEAP.join(' ') });
    expect(run.signal).toBeNull();
    expect(run.stderr).toMatch(/path\.txt: --chart department: org\/chart\.yaml would be [\d,]+ bytes \(everyone listing everyone of their department, the largest 2,000 people\); lemming reads at most 33,554,432 bytes of it: give --labels with smaller departments, or use --chart edges \(who wrote to whom: circular, see docs\/validation\.md\)/);
    expect(run.status).toBe(2);
    expect(besides(root)).toEqual(['path.txt']);

    // The default chart is refused the same way; the same network as who wrote to whom fits, and is written.
    const structure = lemmingProcess(root, ['import-network', edges], { NODE_OPTIONS: HEAP.join(' ') });
    expect(structure.stderr).toMatch(/path\.txt: --chart structure: org\/chart\.yaml would be [\d,]+ bytes \(everyone listing everyone of their department, the largest 2,000 people, and 1 leads listing each other\)/);
    expect(structure.status).toBe(2);
    const observed = lemming(root, ['import-network', edges, '--chart', 'edges']);
    expect(observed.stderr).toBe('');
    expect(observed.status).toBe(0);
  });

  test('a write that fails part-way leaves the folder as it was; the same import then writes the org', () => {
    const folder = tempDir();
    const root = join(folder, 'org');
    const failed = lemming(root, ['import-network', TINY], { LEMMING_STORAGE_FAULT: 'chart.yaml:1:ENOSPC' });
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toContain('ENOSPC');
    expect(existsSync(root)).toBe(false);
    expect(readdirSync(folder)).toEqual([]);
    const made = lemming(root, ['import-network', TINY]);
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
    expect(readdirSync(folder)).toEqual(['org']);
  });

  test('--dry-run says the files and bytes and writes nothing; the import then writes just those', () => {
    const folder = tempDir();
    const root = join(folder, 'org');
    const dry = lemming(root, ['import-network', TINY, '--dry-run']);
    expect(dry.stderr).toBe('');
    expect(dry.status).toBe(0);
    const said = /^would write (\d+) files, ([\d,]+) bytes: 5 resumes \(the largest ([\d,]+) bytes; a resume is read up to 1,048,576\) and org\/chart\.yaml of ([\d,]+) bytes \(read up to 33,554,432\)$/m.exec(dry.stdout);
    expect(said, dry.stdout).not.toBeNull();
    expect(dry.stdout).toContain('Nothing was written (--dry-run).');
    expect(readdirSync(folder)).toEqual([]);

    expect(lemming(root, ['import-network', TINY]).status).toBe(0);
    const written = new Map<string, number>();
    for (const entry of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
      // The loader's own cache under org/state is not import-network's.
      if (entry.startsWith('org/state/cache') || !statSync(join(root, entry)).isFile()) continue;
      written.set(entry, statSync(join(root, entry)).size);
    }
    expect(written.size).toBe(Number(said?.[1]));
    expect([...written.values()].reduce((sum, size) => sum + size, 0)).toBe(Number(said?.[2]?.replaceAll(',', '')));
    expect(written.get('org/chart.yaml')).toBe(Number(said?.[4]?.replaceAll(',', '')));
  });
});
