import type { Command } from 'commander';
import { EXIT, LemmingError } from '../../errors.js';
import { command } from '../command-modules.js';
import { execute } from '../execute.js';
import { confidenceLevel, credits, CSV_OPTION, positiveInteger, seed, wholeNumber } from '../option-values.js';
import type { CommandTable } from './command-table.js';

/** Commands that study orgs: experiments, blame, calibration, comparisons and network analysis. */
export function addStudyCommands(program: Command, { root, newRoot, output }: CommandTable): void {
  program
    .command('experiment')
    .description('run variants of the org (models, budgets, chart, resumes, opening messages), each in its own copy (with `base: ORG@N` in the file, its own fork of ORG after turn N), and compare them')
    .argument('<file>', 'the experiment, in YAML (see docs/experiments.md)')
    .option('--parallel <n>', 'runs at once, each in its own process (default: the file\'s `parallel`, else 2)', positiveInteger)
    .option('--queue <redis-url>', 'send the runs\' model calls to `lemming worker` processes on this Redis')
    .option('--json', 'print the outcome as JSON')
    .option(...CSV_OPTION)
    .option('--plain', "no live line of the running runs on a terminal: a line per run and finished turn, as when standard error is not a terminal or in CI")
    .action((file: string, options: { parallel?: number; queue?: string; json?: boolean; csv?: string; plain?: boolean }) =>
      execute(async () => (await command('experiment')).experimentCommand(root(), file, options, output)),
    );

  program
    .command('blame')
    .description('find the step that made a run fail a check: fork the run before each agent call, re-run that call k times with other seeds (or --model) and k times as it was (its control), run each fork to the end, check it, and rank the steps by how much more often the change makes it pass than the control does')
    .argument('[run]', 'the failed run: an org that keeps a history (default: --root)')
    .requiredOption('--check <name>', 'the check the run fails')
    .option('--checks <file>', 'the experiment file whose `checks:` defines it')
    .option('-k, --k <n>', 'forks per step (default 3)', positiveInteger)
    .option('--controls <n>', "control forks per step, each re-running the call as it was (its model and seed), against which the step's pass rate is read (default: k; 0 runs none)", wholeNumber)
    .option('--path', "only the calls on the path of the person's requests, not every call from turn 1")
    .option('--seed <n>', 'the seed the tries\' seeds are drawn from (default 1)', seed)
    .option('--model <key>', 're-run each call on this registry model (a repair model) instead of other seeds')
    .option('--turns <n>', "the most turns a fork runs after its step's turn, within the run's own bounds (default: to the run's last allowed turn: its experiment's turns:, else engine.max_turns)", positiveInteger)
    .option('--max-credits <n>', "the most credits the forks may spend together: a fork whose worst case could pass it is not started (default: the plan's worst case, said by --dry-run)", credits("the forks' spending together"))
    .option('--strategy <name>', "how forks are spent: per-step (every step k forks and its controls), adaptive (a first pass, then forks to the steps whose interval overlaps the leader's until it is separated or --budget is spent; controls for the 3 steps ranked first) or bisect (forks from a turn with every later call changed, halving the turns, about k·log2 T forks; falls back to per-step where changing more calls makes passing less likely) (default per-step)")
    .option('--confidence <level>', "adaptive: the confidence at which the leader must be separated, each step's interval on its own (default 0.95)", confidenceLevel)
    .option('--budget <n>', 'adaptive: the most changed forks in all (default: steps × k, what per-step spends on them)', positiveInteger)
    .option('--first-pass <n>', 'adaptive: the forks every step gets first (default: k, at most 3)', positiveInteger)
    .option('--parallel <n>', 'forks run at once (default 1)', positiveInteger)
    .option('--dry-run', "say what it would cost (the strategy's worst case, the default ceiling); fork nothing")
    .option('--out <dir>', 'where the forks and the report go (default: RUN/blame/<check>)')
    .option('--json', 'print the report as JSON')
    .option(...CSV_OPTION)
    .action((run: string | undefined, options: import('../commands/blame.js').BlameCommandOptions) =>
      execute(async () => (await command('blame')).blameCommand(run ?? root(), options, output)),
    );

  program
    .command('calibrate')
    .description("put a reference's survey questions to the org's agents (no side effect; research credits) and compare their answers with real ones, per question and persona group, beside answers at random and, per group, everyone's answers")
    .argument('<reference>', 'the reference: a YAML file of questions and a CSV of real answers (see docs/validation.md)')
    .option('--seed <n>', 'the seed of the intervals and baselines (default 1)', seed)
    .option('--dry-run', 'say how many calls it would make; ask nothing')
    .option('--out <dir>', 'where the report goes (default: ROOT/calibration/<reference name>)')
    .option('--people <n>', "people one by one (Park et al.'s measure): draw N people of a respondent-level reference, make for each an agent given their attributes and some of their answers, ask it the held-out ones twice (its retest) and a floor agent (attributes only) once, and score each agent against its own person", positiveInteger)
    .option('--held-out <n>', "with --people: questions held out of each person and asked (default 4); the rest of their answers are given", positiveInteger)
    .option('--model <key>', "with --people: the registry model the people's agents are asked on (default: the model of the org's first agent)")
    .option('--json', 'print the report as JSON')
    .option(...CSV_OPTION)
    .action((reference: string, options: import('../commands/calibrate.js').CalibrateCommandOptions) =>
      execute(async () => (await command('calibrate')).calibrateCommand(root(), reference, options, output)),
    );

  program
    .command('diff')
    .description("compare two orgs (two experiment runs, an org and its fork): messages added, missing and changed, agents, resumes, balances, the human's answers, proposals, outcome scores; exit 0 when equal, 1 when they differ, 2 on an error")
    .argument('[a]', 'the first org folder (A)')
    .argument('[b]', 'the second org folder (B): "added" is in B and not in A')
    .option('--turns <from..to>', "compare one org (the folder given, else --root) after two turns of its history, like 3..7")
    .option('--created', "compare messages' created: times too (left out by default: they are wall-clock)")
    .option('--json', 'print the comparison as JSON')
    .action((a: string | undefined, b: string | undefined, options: { turns?: string; created?: boolean; json?: boolean }) =>
      execute(async () => (await command('diff')).diffCommand([a, b].filter((folder): folder is string => folder !== undefined), root, options, output)),
    );

  program
    .command('analyze')
    .description("the org's network measured from its files: span of control and load per agent, messages per chart edge, each request's path to its answer, bottlenecks, unanswered requests, ping-pong, repeated messages, members who never answer, escalation storms")
    .option('--reference <edges>', "compare the run's communication network with a real one (a SNAP edge list): degree distributions (KS), reciprocity, share inside departments, clustering, who never writes")
    .option('--labels <file>', "with --reference: the real network's departments, `NODE DEPARTMENT` a line")
    .option('--runs <folder>', "with --reference: every run in this experiment's folder, each a repeat (the real value, the runs' mean and its 95% interval)")
    .option('--variant <name>', 'with --runs: the runs of this variant (needed when the folder holds several)')
    .option('--windows <file>', "with --reference: the institution's timestamped email (`SENDER RECIPIENT SECONDS` a line, SNAP's temporal format): the runs read against windows of it as long as a run")
    .option('--window-days <n>', 'with --windows: how many days of email a run stands for', positiveInteger)
    .option('--json', 'print JSON')
    .option(...CSV_OPTION)
    .action((options: { json?: boolean; csv?: string; reference?: string; labels?: string; runs?: string; variant?: string; windows?: string; windowDays?: number }) =>
      execute(async () => {
        if ((options.labels !== undefined || options.runs !== undefined || options.windows !== undefined) && options.reference === undefined) {
          throw new LemmingError('usage', '--labels, --runs and --windows go with --reference EDGES: they say what the real network is compared with', { exitCode: EXIT.usage });
        }
        if ((options.windows === undefined) !== (options.windowDays === undefined)) {
          throw new LemmingError('usage', '--windows FILE and --window-days N go together: the email, and how many days of it a run stands for (for example --window-days 14)', { exitCode: EXIT.usage });
        }
        if (options.variant !== undefined && options.runs === undefined) throw new LemmingError('usage', '--variant goes with --runs FOLDER: it picks that variant\'s runs', { exitCode: EXIT.usage });
        return (await command('analyze')).analyzeCommand(options.runs === undefined ? root() : newRoot(false), options, output);
      }),
    );
}
