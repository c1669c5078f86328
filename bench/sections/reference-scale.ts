import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../src/random/seeded-random.js';
import { buildOrg } from '../build-org.js';
import { cli, type BenchContext } from '../context.js';
import type { Row } from '../row.js';
import { figure } from '../stats.js';

/** The sizes measured: the 1,000 and 10,000 agents. */
const SIZES = [1_000, 10_000];
const MEASURED = 2;
/** A synthetic institution: departments of 25, each person writing to 10 of their own department and 5 others (SNAP's format). */
const DEPARTMENT = 25;

/** Wall time of one whole `lemming …` process. */
function timed(args: string[]): number {
  const start = performance.now();
  execFileSync(process.execPath, [cli, ...args], { stdio: 'ignore' });
  return performance.now() - start;
}

/** An edge list and its labels for `people` people (seeded), as SNAP writes them. */
function writeInstitution(folder: string, people: number): { edges: string; labels: string } {
  const next = seededRandom(people);
  const lines: string[] = [];
  for (let person = 0; person < people; person += 1) {
    const first = person - (person % DEPARTMENT);
    for (let contact = 0; contact < 10; contact += 1) lines.push(`${person} ${first + Math.floor(next() * Math.min(DEPARTMENT, people - first))}`);
    for (let contact = 0; contact < 5; contact += 1) lines.push(`${person} ${Math.floor(next() * people)}`);
  }
  const edges = join(folder, 'edges.txt');
  const labels = join(folder, 'labels.txt');
  writeFileSync(edges, `${lines.join('\n')}\n`);
  writeFileSync(labels, `${Array.from({ length: people }, (_, person) => `${person} ${Math.floor(person / DEPARTMENT)}`).join('\n')}\n`);
  return { edges, labels };
}

/**
 * `lemming import-network` and `lemming analyze --reference` (with its null models: 20 random pieces
 * of the real network, 20 rewirings and 20 configuration-model draws of the run) at 1,000 and 10,000
 * agents, each the whole process, on the first storage. The real network is synthetic (departments
 * of 25, 15 contacts a person: 15 edges a person less repeats); the run is bench/build-org.ts's org of
 * the same size whose agents each wrote twice to the next (a ring: N edges), the runs' network the
 * nulls are drawn of.
 */
export function referenceScale(context: BenchContext): Row[] {
  const storage = context.storages[0];
  if (storage === undefined) return [];
  const rows: Row[] = [];
  for (const size of SIZES) {
    const folder = join(storage.directory, `reference-${size}`);
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    const { edges, labels } = writeInstitution(folder, size);
    const imports: number[] = [];
    for (let run = 0; run < MEASURED; run += 1) {
      const root = join(folder, `imported-${run}`);
      imports.push(timed(['import-network', edges, '--labels', labels, '--root', root]));
      rmSync(root, { recursive: true, force: true });
    }
    const runRoot = join(folder, 'run');
    buildOrg(runRoot, { agents: size, history: 2 * size, withMail: 0 });
    const analyses: number[] = [];
    for (let run = 0; run < MEASURED; run += 1) analyses.push(timed(['analyze', '--reference', edges, '--labels', labels, '--root', runRoot]));
    rmSync(folder, { recursive: true, force: true });
    const imported = figure(imports);
    const analysed = figure(analyses);
    context.log(`  ${storage.name}, ${size} agents: import-network ${imported.median.toFixed(0)} ms, analyze --reference with its null models ${analysed.median.toFixed(0)} ms`);
    rows.push(
      { what: `import-network of a synthetic institution of ${size.toLocaleString('en')} people (departments of 25, 15 contacts each), the whole process`, storage: storage.name, figure: { ms: imported } },
      { what: `analyze --reference of a ${size.toLocaleString('en')}-agent run against it, with 20 pieces, 20 rewirings and 20 configuration-model draws, the whole process`, storage: storage.name, figure: { ms: analysed } },
    );
  }
  return rows;
}
