import type { Command } from 'commander';
import { resolveRoot } from '../cli-context.js';
import { command } from '../command-modules.js';
import { execute } from '../execute.js';
import { turnNumber } from '../option-values.js';
import type { CommandTable } from './command-table.js';

/** Commands on an org's past and its copies: the history, forks, resets, archives. */
export function addHistoryCommands(program: Command, { root, newRoot, output }: CommandTable): void {
  program
    .command('history')
    .description("the org's history: each turn kept with what changed in it (messages by sender, credits, files, proposals decided) and the hand edits between turns (org.yaml history.keep)")
    .option('--json', 'print JSON')
    .option('--prune-before <n>', 'drop the entries before turn N for good (turns before N can no longer be shown, forked or diffed); the org\'s files are untouched', turnNumber)
    .option('-y, --yes', 'with --prune-before: do not ask')
    .action((options: { json?: boolean; pruneBefore?: number; yes?: boolean }) => execute(async () => (await command('history')).historyCommand(root(), options, output)));

  program
    .command('show')
    .description('print a file of the org as it was after turn N, from its history')
    .argument('<path>', 'the file, relative to the root, like agents/manager/resume.md')
    .requiredOption('--at <n>', 'the turn', turnNumber)
    .action((path: string, options: { at: number }) => execute(async () => (await command('show')).showCommand(root(), path, options, output)));

  program
    .command('fork')
    .description('make a new org at --root: the org at --from as it was after turn N (record, ledger, balances, proposals, workspaces), with the hand edits made before turn N+1; its next run is turn N+1, as the original\'s was')
    .requiredOption('--from <dir>', 'the org whose history holds the turn')
    .requiredOption('--at <n>', 'the turn to fork after (0: before the first turn)', turnNumber)
    .action((options: { from: string; at: number }) =>
      execute(async () => (await command('fork')).forkCommand(newRoot(), resolveRoot({ root: options.from }), options, output)),
    );

  program
    .command('reset')
    .description('clear run state, outboxes, notes and logs; keep resumes, chart and org.yaml')
    .option('-y, --yes', 'do not ask')
    .action((options: { yes?: boolean }) => execute(async () => (await command('reset')).resetCommand(root(), options, output)));

  program
    .command('export')
    .description('write the org as one .tar.gz: its record included, secrets and machine-local caches left out; `lemming import` makes it again')
    .argument('<file>', 'the archive to write, like org.tar.gz')
    .option('--history', "carry the org's history too (every turn kept, as a git bundle); `lemming import` restores it")
    .action((file: string, options: { history?: boolean }) => execute(async () => (await command('export')).exportCommand(root(), file, options, output)));

  program
    .command('import')
    .description('make a new org at --root from an archive `lemming export` or `lemming backup` wrote; it goes on where it was')
    .argument('<file>', 'the archive')
    .action((file: string) => execute(async () => (await command('import')).importCommand(newRoot(), file, output)));

  program
    .command('backup')
    .description('an export taken while a run goes on, between two of its turns, without stopping it')
    .argument('[file]', 'the archive to write (default: backups/backup-<time>.tar.gz in the root)')
    .action((file: string | undefined) => execute(async () => (await command('backup')).backupCommand(root(), file, output)));
}
