import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, repo, type BenchContext } from '../context.js';
import { atMostMs, type Row } from '../row.js';
import { figure } from '../stats.js';

const EDGES = join(repo, 'data', 'email-eu-core', 'email-Eu-core.txt');
const LABELS = join(repo, 'data', 'email-eu-core', 'email-Eu-core-department-labels.txt');
/** Repeats of the study run for the comparison to read (the worked example in docs/validation.md runs five). */
const REPEATS = 2;
const MEASURED = 3;

/** Wall time of one whole `lemming …` process. */
function timed(args: string[]): number {
  const start = performance.now();
  execFileSync(process.execPath, [cli, ...args], { stdio: 'ignore' });
  return performance.now() - start;
}

/**
 * `lemming import-network` of email-Eu-core (1,005 people, 42 departments) and `lemming analyze
 * --reference` of runs of it at 1,005 agents, each the whole process, on the first storage.
 */
export function referenceNetwork(context: BenchContext): Row[] {
  const storage = context.storages[0];
  if (storage === undefined) return [];
  const imports: number[] = [];
  const root = join(storage.directory, 'eu-core');
  for (let run = 0; run < MEASURED; run += 1) {
    rmSync(root, { recursive: true, force: true });
    imports.push(timed(['import-network', EDGES, '--labels', LABELS, '--root', root]));
  }
  // The study's experiment file, with fewer repeats: the runs are what analyze reads, not what is measured.
  const experiment = join(root, 'network-experiment.yaml');
  writeFileSync(experiment, readFileSync(experiment, 'utf8').replace(/^repeats: \d+$/m, `repeats: ${REPEATS}`));
  const study = timed(['experiment', experiment, '--root', root, '--parallel', '1']);
  const runs = join(root, 'experiments', 'email-eu-core');
  const one: number[] = [];
  const all: number[] = [];
  for (let run = 0; run < MEASURED; run += 1) {
    one.push(timed(['analyze', '--reference', EDGES, '--labels', LABELS, '--root', join(runs, 'baseline-r1')]));
    all.push(timed(['analyze', '--reference', EDGES, '--labels', LABELS, '--runs', runs]));
  }
  rmSync(root, { recursive: true, force: true });
  const imported = figure(imports);
  const compared = figure(one);
  context.log(`  ${storage.name}: import-network ${imported.median.toFixed(0)} ms, analyze --reference ${compared.median.toFixed(0)} ms for one run, ${figure(all).median.toFixed(0)} ms for ${REPEATS}; the ${REPEATS} runs took ${(study / 1000).toFixed(1)} s`);
  return [
    { what: 'import-network email-Eu-core (1,005 people, 24,929 edges, 42 departments), the whole process', storage: storage.name, figure: { ms: imported }, target: atMostMs(imported, 5_000, '≤ 5 s') },
    { what: 'analyze --reference email-Eu-core, one run of 1,005 agents (about 2,210 messages), the whole process', storage: storage.name, figure: { ms: compared }, target: atMostMs(compared, 5_000, '≤ 5 s') },
    { what: `analyze --reference email-Eu-core --runs, ${REPEATS} runs of 1,005 agents`, storage: storage.name, figure: { ms: figure(all) } },
    { what: `the ${REPEATS} runs it reads (lemming experiment, offline model, 8 turns each), once`, storage: storage.name, figure: { ms: figure([study]) } },
  ];
}
