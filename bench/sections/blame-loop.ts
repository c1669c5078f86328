import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { blameRun, type BlameReport } from '../../src/blame/blame-run.js';
import { Engine } from '../../src/engine/engine.js';
import { sendAsHuman } from '../../src/engine/human/send-as-human.js';
import { readExperiment } from '../../src/experiment/experiment-file.js';
import { prepareRun } from '../../src/experiment/prepare-run.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { bootstrapOrg } from '../../src/org/bootstrap-org.js';
import type { ProviderFactory } from '../../src/providers/create-provider.js';
import { showCredits } from '../../src/format/format.js';
import { HandOffLoopProvider } from '../bench-providers.js';
import { repo, type BenchContext } from '../context.js';
import type { Row } from '../row.js';

const ORIGINAL_SEED = 11;
/** The hand-off org's bound: `lemming run` stops at engine.max_turns. */
const MAX_TURNS = 20;
/** Forks per step. */
const K = 6;
/** Every call's tokens, and the registry's limits: a call costs 0.37 credits at 100 a million, the most an answer can cost 0.44. */
const TOKENS = { inputTokens: 3600, outputTokens: 100 };
/** A ceiling below what the six forks spend unbounded (44.4) and above two forks' worst case (2 × 17.6). */
const CEILING = 30;

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** The hand-off org: a and b; a answers the human at once under the run's seed, and a changed call of a's starts a loop. */
function handOffOrg(root: string): void {
  write(
    root,
    'org/org.yaml',
    `name: hand-off\nengine: { max_turns: ${MAX_TURNS}, max_steps: 1, sandbox: { isolation: none } }\nhistory: { keep: true }\nmodels:\n  scripted: { provider: offline, model: scripted-1, seed: ${ORIGINAL_SEED}, input_price: 100, output_price: 100, context_window: 4000, max_output_tokens: 400, max_retries: 0 }\n`,
  );
  write(root, 'org/chart.yaml', 'agents:\n  human: { reports_to: null, send_to: [a, b], read_from: ["*"] }\n  a: { reports_to: human, send_to: [b, human], read_from: ["*"] }\n  b: { reports_to: human, send_to: [a, human], read_from: ["*"] }\n');
  write(root, 'agents/human/resume.md', '---\ntitle: The person\nmodel: human\n---\nYou.\n');
  for (const agent of ['a', 'b']) write(root, `agents/${agent}/resume.md`, `---\ntitle: Checker ${agent}\nmodel: scripted\ncredits: 1000\ntools: [send_message]\n---\nCheck the work.\n`);
  sendAsHuman(root, loadOrg(root).org, { to: 'a', subject: 'Check', body: 'Please get this checked.' });
}

const handOffModels: ProviderFactory = (_key, entry) => new HandOffLoopProvider(entry.seed, ORIGINAL_SEED, TOKENS);

/** Run the org until idle or `maxTurns`; how it ended, in words. */
async function runToEnd(root: string, maxTurns?: number, providerFactory?: ProviderFactory): Promise<string> {
  const engine = Engine.open({ root, ...(providerFactory ? { providerFactory } : {}) });
  let ended = '';
  try {
    for await (const event of engine.run(maxTurns === undefined ? {} : { maxTurns })) if (event.type === 'run-finished') ended = `${event.reason} at turn ${event.lastTurn}`;
  } finally {
    engine.close();
  }
  return ended;
}

/** Spent against the estimate and the worst case, in words. */
function against(report: BlameReport, what: 'calls' | 'credits'): string {
  const show = (value: number): string => (what === 'calls' ? String(value) : showCredits(value));
  return `estimated ${show(report.estimate[what])}, worst case ${show(report.worstCase[what])}`;
}

/**
 * Blame's spending on runs whose changed calls start loops (lemming issue 60): the calls and credits
 * its forks spent against the estimate it states first and the worst case it holds them to, the turn
 * each fork ended at against the run's bound, and a ceiling below what the forks spend unbounded.
 */
export async function blameLoop(context: BenchContext): Promise<Row[]> {
  const storage = context.storages[0]!;
  const scratch = join(storage.directory, 'blame-loop');
  rmSync(scratch, { recursive: true, force: true });
  const rows: Row[] = [];

  // The hand-off org, run by hand to idle after turn 1 (one call); its bound is engine.max_turns 20.
  const handOff = join(scratch, 'hand-off');
  handOffOrg(handOff);
  await runToEnd(handOff, undefined, handOffModels);
  const check = { name: 'answered-late', run: 'grep -q LOOP "$SHARED/answer.md"' };
  const free = await blameRun(handOff, { check, k: K, controls: 0, providerFactory: () => handOffModels });
  const capped = await blameRun(handOff, { check, k: K, controls: 0, maxCredits: CEILING, folder: join(scratch, 'capped'), providerFactory: () => handOffModels });
  const lastTurns = free.forks.map((fork) => fork.lastTurn);
  context.log(`blame-loop: hand-off: ${free.spent.calls} call(s), ${showCredits(free.spent.credits)} credits; capped at ${CEILING}: ${capped.spent.forks} fork(s), ${showCredits(capped.spent.credits)} credits, ${capped.notRun.length} not run`);
  rows.push(
    { what: `hand-off org (a's changed call starts a loop of a and b), k = ${K}, default ceiling: model calls (${against(free, 'calls')})`, figure: { count: free.spent.calls, unit: 'calls' }, target: { text: '≤ the worst case', met: free.spent.calls <= free.worstCase.calls } },
    { what: `the same: credits (${against(free, 'credits')})`, figure: { count: Math.round(free.spent.credits * 1e4) / 1e4, unit: 'credits' }, target: { text: '≤ the worst case', met: free.spent.credits <= free.worstCase.credits } },
    { what: `the same: the turn each fork ended at (the run's bound: turn ${free.bounds.lastTurn}; before the bound, the org's max_turns after the step, turn ${1 + MAX_TURNS})`, figure: { count: Math.max(...lastTurns), unit: 'turn (latest fork)' }, target: { text: `≤ ${free.bounds.lastTurn}`, met: Math.max(...lastTurns) <= free.bounds.lastTurn } },
    {
      what: `the same with --max-credits ${CEILING}: credits (${capped.spent.forks} fork(s) run, ${capped.notRun.length} not run: each could have passed the ceiling)`,
      figure: { count: Math.round(capped.spent.credits * 1e4) / 1e4, unit: 'credits' },
      target: { text: `≤ ${CEILING}`, met: capped.spent.credits <= CEILING },
    },
  );

  // The default org on the offline model as an experiment's run with `turns: 4` (the case): busy at its cap.
  const base = join(scratch, 'base');
  mkdirSync(base, { recursive: true });
  bootstrapOrg(base, join(repo, 'templates', 'software-team'));
  const file = join(scratch, 'study.yaml');
  writeFileSync(file, 'name: study\nturns: 4\nseed: 3\nvariability: 0.5\nmessages: [{ to: manager, subject: Release notes, body: Please get the release notes for version 2 written and checked. }]\nchecks: [{ name: tested, run: \'grep -q "test(s) pass" "$SHARED/answer.md"\' }]\nvariants: [{ name: baseline }]\n');
  const experiment = readExperiment(file, () => base);
  const run = join(scratch, 'baseline-r1');
  await prepareRun(experiment, base, experiment.variants[0]!, run, 3);
  // As the experiment's own process runs it: `lemming run --turns 4`.
  const ended = await runToEnd(run, 4);
  const tested = experiment.variants[0]!.outcome.checks[0]!;
  const report = await blameRun(run, { check: tested, k: 1, controls: 0 });
  const latest = Math.max(...report.forks.map((fork) => fork.lastTurn));
  context.log(`blame-loop: default org, turns: 4, the run ${ended}: ${report.steps.length} step(s), ${report.spent.calls} call(s), ${showCredits(report.spent.credits)} credits; latest fork turn ${latest}`);
  rows.push(
    { what: `default org, offline model, an experiment's run with turns: 4 (${ended}; ${report.steps.length} steps, k = 1): model calls (${against(report, 'calls')})`, figure: { count: report.spent.calls, unit: 'calls' }, target: { text: '≤ the worst case', met: report.spent.calls <= report.worstCase.calls } },
    { what: `the same: credits (${against(report, 'credits')})`, figure: { count: Math.round(report.spent.credits * 1e4) / 1e4, unit: 'credits' }, target: { text: '≤ the worst case', met: report.spent.credits <= report.worstCase.credits } },
    { what: `the same: the turn each fork ended at (the run's bound: turn ${report.bounds.lastTurn}; before it, up to the org's max_turns after the step)`, figure: { count: latest, unit: 'turn (latest fork)' }, target: { text: `≤ ${report.bounds.lastTurn}`, met: latest <= report.bounds.lastTurn } },
  );
  rmSync(scratch, { recursive: true, force: true });
  return rows;
}
