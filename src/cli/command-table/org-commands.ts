import type { Command } from 'commander';
import { EXIT, LemmingError } from '../../errors.js';
import { command } from '../command-modules.js';
import { execute } from '../execute.js';
import { budget, credits, outputMode, positiveInteger, QUEUE_HELP, seed } from '../option-values.js';
import type { CommandTable } from './command-table.js';

/** Commands that make an org or add to it: from the default or a template, from a population, from a real network, an agent at a time. */
export function addOrgCommands(program: Command, { root, newRoot, output, Option }: CommandTable): void {
  program
    .command('bootstrap')
    // The word a new user tries first, from git and npm.
    .alias('init')
    .description('write the default org (or a template) into the root; never overwrites a file you edited, repairs missing folders')
    .option('--template <name-or-folder>', 'start from this org template (see `lemming templates`) or a folder of your own, like ./my-template')
    .action((options: { template?: string }) => execute(async () => (await command('bootstrap')).bootstrapCommand(newRoot(), output, options)));

  program
    .command('templates')
    .description('the org templates bootstrap and demo start from, and the agent templates hires start from, a line each')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => execute(async () => (await command('templates')).templatesCommand(newRoot(), options, output)));

  program
    .command('demo')
    .description('run the default org end to end: seed a first task from the human if there is none, then run to idle')
    .option('--turns <n>', 'run at most this many turns', positiveInteger)
    .option('--json', 'print events as one JSON object per line')
    .option('--queue <redis-url>', QUEUE_HELP)
    .option('--template <name-or-folder>', 'start from this org template and send its seed task (see `lemming templates`)')
    .action((options: { turns?: number; json?: boolean; queue?: string; template?: string }) =>
      execute(async () =>
        (await command('demo')).demoCommand(
          newRoot(),
          {
            mode: outputMode(options),
            ...(options.turns ? { turns: options.turns } : {}),
            ...(options.queue === undefined ? {} : { queue: options.queue }),
            ...(options.template === undefined ? {} : { template: options.template }),
          },
          output,
        ),
      ),
    );

  program
    .command('adopt')
    .description('take the mail now in the outboxes as history, for an org copied or cloned without org/state')
    .action(() => execute(async () => (await command('adopt')).adoptCommand(root(), output)));

  program
    .command('add-agent')
    .description("add an agent: writes its resume and its chart entries (to and from its manager)")
    .argument('<name>', 'folder name, like coder_02')
    .option('--title <title>', 'job title (required without --template)')
    .requiredOption('--reports-to <agent>', 'its manager')
    .option('--template <name>', 'start from an agent template of org/templates/ (see `lemming templates`); the other options override it')
    .option('--model <key>', "a model key from org.yaml (default: the manager's)")
    .option('--credits <n>', 'its budget, from 0 (default 0.5)', budget)
    .option('--instructions <text>', 'the body of its resume')
    .option('--tools <list>', 'comma-separated tools, like send_message,remember,read_file,write_file')
    .action((name: string, options: { title?: string; reportsTo: string; model?: string; credits?: number; instructions?: string; tools?: string; template?: string }) =>
      execute(async () => (await command('add-agent')).addAgentCommand(root(), name, options, output)),
    );

  program
    .command('populate')
    .description('make an org of N agents from a population spec (YAML): attributes with target shares or distributions, conditional tables, teams under leads, a persona per agent in its resume\'s front matter (see docs/people.md)')
    .argument('<spec>', 'the population spec, for example people.yaml')
    .option('--template <name-or-folder>', "take org.yaml's settings and model registry from this org template or a folder of your own (default: the default org's)")
    .option('--dry-run', 'write nothing: say what would be made, and what --enrich would cost')
    .option('--enrich <model>', "ask this registry model for each agent's biography, from its attributes; charged to the research account, no agent's balance")
    .addOption(new Option('--record <file>', 'with --enrich: write every model request and answer to this cassette (JSONL)').conflicts('replay'))
    .option('--replay <file>', 'with --enrich: answer every call from this cassette, with no network')
    .option('--json', 'print JSON')
    .action((spec: string, options: { template?: string; dryRun?: boolean; enrich?: string; record?: string; replay?: string; json?: boolean }) =>
      execute(async () => {
        if ((options.record !== undefined || options.replay !== undefined) && options.enrich === undefined) {
          throw new LemmingError('usage', '--record and --replay go with --enrich MODEL: they keep or answer its calls', { exitCode: EXIT.usage });
        }
        return (await command('populate')).populateCommand(newRoot(), spec, options, output);
      }),
    );

  program
    .command('import-network')
    .description('make an org from a real communication network (a SNAP edge list, `SENDER RECIPIENT` a line): one agent per person, each department a team under its lead, the chart from the departments and leads, not from the edges compared (see docs/validation.md)')
    .argument('<edges>', 'the edge list, for example data/email-eu-core/email-Eu-core.txt')
    .option('--labels <file>', 'each person\'s department, `NODE DEPARTMENT` a line, for example data/email-eu-core/email-Eu-core-department-labels.txt')
    .addOption(new Option('--chart <kind>', "structure: everyone to everyone of their department, and the leads to each other; department: the same without the leads meeting; edges: who wrote to whom in the data (circular: a run can only draw a subgraph of what it is compared with)").choices(['structure', 'department', 'edges']).default('structure'))
    .option('--people <n>', 'import a random piece of the network: this many people drawn at random, and the edges among them', positiveInteger)
    .option('--seed <n>', 'the seed the piece is drawn with (default 1)', seed)
    .addOption(new Option('--lists <lists>', 'departments: a mailing list a department (org/lists/dept_<label>.yaml), every member on it and able to post, and leads told to post split work there').choices(['none', 'departments']).default('none'))
    .option('--template <name-or-folder>', "take org.yaml's settings and model registry from this org template or a folder of your own (default: the default org's)")
    .option('--model <model>', 'the registry model every agent runs on (default offline)')
    .option('--credits <n>', "each agent's budget (default 5)", credits("each agent's budget"))
    .option('--name <name>', "the org's name (default: from the file's name)")
    .option('--dry-run', 'write nothing: say what would be made, and the files and bytes it would write')
    .option('--json', 'print JSON')
    .action((edges: string, options: { labels?: string; chart?: 'structure' | 'department' | 'edges'; lists?: 'none' | 'departments'; people?: number; seed?: number; template?: string; model?: string; credits?: number; name?: string; dryRun?: boolean; json?: boolean }) =>
      execute(async () => (await command('import-network')).importNetworkCommand(newRoot(), edges, options, output)),
    );

  program
    .command('import-marble')
    .description('make orgs from MultiAgentBench (MARBLE) task rows (JSONL): profiles to resumes, relationships and coordination mode to the chart, the task to the human\'s first message, and an experiment file running its coordination modes as variants')
    .argument('<file>', 'a MARBLE JSONL file, one task a line')
    .option('--row <line>', 'the row on this line of the file (default: the file\'s only row)', positiveInteger)
    .option('--all', 'every row, each an org in a folder of --root named marble-<scenario>-<task_id>')
    .action((file: string, options: { row?: number; all?: boolean }) =>
      execute(async () => (await command('import-marble')).importMarbleCommand(newRoot(), file, { ...(options.row === undefined ? {} : { row: options.row }), ...(options.all ? { all: true } : {}) }, output)),
    );
}
