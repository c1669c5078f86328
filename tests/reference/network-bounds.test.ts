import { spawnSync } from 'node:child_process';
import { openSync, closeSync, ftruncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CLI, lemming } from '../helpers/cli.js';
import { lemmingPeakMemory } from '../helpers/peak-memory.js';
import { REPO_ROOT } from '../helpers/org-files.js';
import { tempDir } from '../helpers/temp-dirs.js';

/*
 * The networks `analyze --reference` and `import-network` read are bounded: an edge list or labels
 * file of at most 64 MiB, at most 1,000,000 distinct edges and 1,000,000 people, each refused past
 * its bound (exit 2) naming the file and the bound; a pipe given as the file is refused without
 * waiting on it. Within the bounds the work is O(m·√m) (tests/reference/triangles.test.ts): a star
 * of 300,000, which took more than 90 s, is measured.
 */

function lines(count: number, line: (index: number) => string): string {
  const parts: string[] = [];
  for (let index = 0; index < count; index += 1) parts.push(line(index));
  return `${parts.join('\n')}\n`;
}

describe('the size of a network read', () => {
  test('a star of 300,000 people (a 2.6 MB file) is measured: no triangle, no clustering', () => {
    const folder = tempDir();
    const star = join(folder, 'star.txt');
    writeFileSync(star, lines(300_000, (leaf) => `0 ${leaf + 1}`));
    const org = join(folder, 'org');
    expect(lemming(org, ['import-network', join(REPO_ROOT, 'tests', 'fixtures', 'network', 'tiny-edges.txt')]).status).toBe(0);
    const run = lemming(org, ['analyze', '--reference', star, '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const comparison = JSON.parse(run.stdout) as { reference: { people: number; edges: number; triangles: number }; rows: Array<{ measure: string; real: number }> };
    expect(comparison.reference).toMatchObject({ people: 300_001, edges: 300_000, triangles: 0 });
    expect(comparison.rows.find((row) => row.measure === 'clustering')?.real).toBe(0);
  });

  test('more than 1,000,000 distinct edges are refused, naming the file and the bound', () => {
    const folder = tempDir();
    const edges = join(folder, 'edges.txt');
    // 1,001 people each writing to 1,000 others: the people within their bound, the edges past theirs.
    writeFileSync(edges, lines(1_000_001, (index) => {
      const from = Math.floor(index / 1_000);
      return `${from} ${(from + 1 + (index % 1_000)) % 1_001}`;
    }));
    const run = lemming(folder, ['analyze', '--reference', edges]);
    expect(run.stderr).toBe(`lemming: ${edges}:1000001: the 1,000,001st distinct edge; a network read by lemming has at most 1,000,000 edges and 1,000,000 people: give a part of it\n`);
    expect(run.status).toBe(2);
  });

  test('more than 1,000,000 people are refused, naming the file and the bound', () => {
    const folder = tempDir();
    const edges = join(folder, 'pairs.txt');
    writeFileSync(edges, lines(500_001, (pair) => `a${pair} b${pair}`));
    const run = lemming(folder, ['analyze', '--reference', edges]);
    expect(run.stderr).toBe(`lemming: ${edges}:500001: names the 1,000,001st person; a network read by lemming has at most 1,000,000 edges and 1,000,000 people: give a part of it\n`);
    expect(run.status).toBe(2);
    const labels = join(folder, 'labels.txt');
    writeFileSync(join(folder, 'one.txt'), '0 1\n');
    writeFileSync(labels, lines(1_000_001, (node) => `${node} d`));
    const labelled = lemming(folder, ['analyze', '--reference', join(folder, 'one.txt'), '--labels', labels]);
    expect(labelled.stderr).toBe(`lemming: ${labels}:1000001: labels the 1,000,001st person; a network read by lemming has at most 1,000,000 edges and 1,000,000 people: give a part of it\n`);
    expect(labelled.status).toBe(2);
  });

  test('a file within the bound of bytes is read a line at a time: 32 MiB of one edge repeated is measured in under 300 MiB of memory', () => {
    const folder = tempDir();
    const org = join(folder, 'org');
    expect(lemming(org, ['import-network', join(REPO_ROOT, 'tests', 'fixtures', 'network', 'tiny-edges.txt')]).status).toBe(0);
    // 8 million lines: held at once (their strings, their fields) they took 2.9 GB for 64 MiB.
    const repeated = join(folder, 'repeated.txt');
    writeFileSync(repeated, '0 1\n'.repeat(8 * 1024 * 1024));
    const run = lemmingPeakMemory(org, ['analyze', '--reference', repeated, '--json']);
    expect(run.status, run.output).toBe('0');
    expect(JSON.parse(run.output) as unknown).toMatchObject({ reference: { people: 2, edges: 1 } });
    expect(run.maxRssKb).toBeLessThan(300 * 1024);
  });

  test('a file over 64 MiB is refused by its size, before it is read', () => {
    const folder = tempDir();
    const large = join(folder, 'large.txt');
    const descriptor = openSync(large, 'w');
    ftruncateSync(descriptor, 64 * 1024 * 1024 + 1);
    closeSync(descriptor);
    const run = lemming(folder, ['analyze', '--reference', large]);
    expect(run.stderr).toBe(`lemming: ${large}: is 67,108,865 bytes; an edge list or labels file is read up to 64 MiB (67,108,864 bytes): give a part of the network\n`);
    expect(run.status).toBe(2);
  });

  test('a pipe given as the edge list is refused without waiting on it', () => {
    const folder = tempDir();
    const pipe = join(folder, 'edges.txt');
    expect(spawnSync('mkfifo', [pipe]).status).toBe(0);
    // A process of its own, so a read that waits on the pipe is killed rather than holding the test.
    const run = spawnSync(process.execPath, [CLI, '--root', folder, 'analyze', '--reference', pipe], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } });
    expect(run.signal).toBeNull();
    expect(run.stderr).toBe(`lemming: ${pipe}: cannot read the edge list (not a regular file); give the path of a file like data/email-eu-core/email-Eu-core.txt\n`);
    expect(run.status).toBe(2);
  });
});
