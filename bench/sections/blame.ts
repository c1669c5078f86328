import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { blameRun } from '../../src/blame/blame-run.js';
import { editYamlFile, isFields } from '../../src/editable/edit-org-file.js';
import { Engine } from '../../src/engine/engine.js';
import { sendAsHuman } from '../../src/engine/human/send-as-human.js';
import { bootstrapOrg } from '../../src/org/bootstrap-org.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { repo, type BenchContext } from '../context.js';
import type { Row } from '../row.js';
import { figure } from '../stats.js';

/** The check the run fails: the human's answer says the coder's tests passed. */
const CHECK = { name: 'tested', run: 'grep -q "test(s) pass" "$SHARED/answer.md"' };
/** Forks per step. */
const K = 3;

/**
 * The default org on the offline model with `variability: 0.5` and seed 10, keeping its history: its
 * manager hands the release notes to the janitor, so the answer says nothing of tests and the run
 * fails the check (docs/validation.md). Blame with k = 3, one fork at a time: the wall time of each
 * candidate step (its forks made, run to the end and checked), the CPU of this process, and the calls.
 */
export async function blame(context: BenchContext): Promise<Row[]> {
  const storage = context.storages[0]!;
  const root = join(storage.directory, 'blame-run');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  bootstrapOrg(root, join(repo, 'templates', 'software-team'));
  editYamlFile(root, 'org/org.yaml', (value) => {
    const models = isFields(value.models) ? value.models : {};
    const offline = isFields(models.offline) ? models.offline : {};
    return { ...value, history: { keep: true }, models: { ...models, offline: { ...offline, seed: 10, variability: 0.5 } } };
  });
  sendAsHuman(root, loadOrg(root).org, { to: 'manager', subject: 'Release notes', body: 'Please get the release notes for version 2 written and checked.' });
  const engine = Engine.open({ root });
  try {
    for await (const event of engine.run({})) void event;
  } finally {
    engine.close();
  }
  const finished: number[] = [];
  const started = performance.now();
  const cpu = process.cpuUsage();
  // A line a fork: `t<turn>-<agent>-<try>: passes|fails …` as each finishes (one at a time); the first line is the estimate.
  const report = await blameRun(root, { check: CHECK, k: K, controls: 0, log: (line) => /^t\d+-/.test(line) && finished.push(performance.now()) });
  const used = process.cpuUsage(cpu);
  const forkMs = finished.map((at, index) => at - (index === 0 ? started : finished[index - 1]!));
  const perStep = report.steps.map((_, index) => forkMs.slice(index * K, index * K + K).reduce((sum, ms) => sum + ms, 0));
  const steps = report.steps.length;
  context.log(`blame: ${steps} step(s), ${report.spent.forks} fork(s), ${report.spent.calls} call(s); first: turn ${report.steps[0]?.turn} ${report.steps[0]?.agent} (${report.steps[0]?.passed}/${K})`);
  rmSync(root, { recursive: true, force: true });
  return [
    { what: `wall time per candidate step (${K} forks, each made from the history, run to the end and checked; ${steps} steps)`, storage: storage.name, figure: { ms: figure(perStep) } },
    { what: 'CPU of this process per candidate step (the sandboxed commands and checks not counted)', storage: storage.name, figure: { ms: figure([(used.user + used.system) / 1000 / steps]) } },
    // The estimate re-runs the original's calls; a changed call that routes the work elsewhere makes more or fewer.
    { what: `model calls per candidate step (estimated first: ${report.estimate.calls / steps}, the original's calls from the step's turn on, ${K} times)`, figure: { count: report.spent.calls / steps, unit: 'calls' } },
    { what: 'model calls on the shared turns before the steps', figure: { count: report.spent.sharedCalls, unit: 'calls' }, target: { text: '= 0 (copied from the history)', met: report.spent.sharedCalls === 0 } },
  ];
}
