import { createRequire } from 'node:module';
import { EXIT, LemmingError } from '../errors.js';
import { commanderOutput, processOutput, requireRootFolder, resolveRoot, setCommandIo, type CommandIo, type Output } from './cli-context.js';
import { report, takeExitCode } from './execute.js';
import { enterCommand } from '../invocation.js';
import type { ServiceFlags } from './option-values.js';
import { packageVersion } from '../package-root.js';
import { addOrgCommands } from './command-table/org-commands.js';
import { addRunningCommands } from './command-table/running-commands.js';
import { addPersonCommands } from './command-table/person-commands.js';
import { addReadingCommands } from './command-table/reading-commands.js';
import { addStudyCommands } from './command-table/study-commands.js';
import { addHistoryCommands } from './command-table/history-commands.js';
import type { CommandTable } from './command-table/command-table.js';

const requireModule = createRequire(import.meta.url);

// commander is CommonJS: required directly, it skips the ES-module wrapper and the scan of its exports
// that `import` would cost every command at start-up.
const { Command, CommanderError, Option } = requireModule('commander') as typeof import('commander');

const output = processOutput;

/** Where a service command writes: lines for a person, or `--log-format json` records on standard error, naming the org at `folder` when it holds one. */
function serviceOutput(options: ServiceFlags, folder: () => string = root): Output {
  if (options.logFormat !== 'json') return output;
  // Required here: every other command starts without the log's modules (yaml, the event lines).
  const { jsonLogOutput, orgNameAt } = requireModule('./json-log.js') as typeof import('./json-log.js');
  const where = folder();
  let name: string | undefined;
  return jsonLogOutput(() => (name ??= orgNameAt(where)));
}

/**
 * A command that says a missing argument before a missing required option: commander checks the
 * options first, so `lemming add-agent` alone asked for `--reports-to` before the name it lacked.
 */
class LemmingCommand extends Command {
  override createCommand(name?: string): LemmingCommand {
    return new LemmingCommand(name);
  }

  /** Called by commander for each required option not given; the first argument missing is said instead, when there is one. */
  missingMandatoryOptionValue(option: import('commander').Option): void {
    const missing = this.registeredArguments.slice(this.args.length).find((argument) => argument.required);
    if (missing) this.error(`error: missing required argument '${missing.name()}'`, { code: 'commander.missingArgument' });
    (Command.prototype as unknown as { missingMandatoryOptionValue(option: import('commander').Option): void }).missingMandatoryOptionValue.call(this, option);
  }
}

const program = new LemmingCommand();
program
  .name('lemming')
  .version(packageVersion(), '-V, --version', 'print the version')
  .description('An organisation of LLM agents that lives in a folder: agents are directories, messages are markdown files.')
  .option('--root <dir>', 'the org root (default: the current folder); `lemming serve` takes several', (value: string, previous: string[] = []) => [...previous, value])
  .showHelpAfterError('(add --help for usage)')
  // Set before the commands are added, which inherit it: commander's own errors quote what was typed.
  .configureOutput(commanderOutput)
  .exitOverride();

/** Every `--root` given, in order: only `lemming serve` takes more than one. */
const givenRoots = (): string[] => program.opts<{ root?: string[] }>().root ?? [];
/** The root of a command that makes an org where there is none (`bootstrap`, `demo`); with `needsOrg: false`, the folder of one that needs no org. */
const newRoot = (needsOrg = true): string => {
  const roots = givenRoots();
  if (roots.length > 1) throw new LemmingError('one-root', `--root was given ${roots.length} times; only \`lemming serve\` serves several orgs (e.g. lemming serve --root ./lab --root ./desk)`, { exitCode: EXIT.usage });
  return resolveRoot({ root: roots[0], needsOrg });
};
/** The root of every other command: the folder must exist. */
const root = (): string => requireRootFolder(newRoot());
/** The folder of a command that needs no org (`worker`): `--root`, else the current folder, also inside a lemming clone. */
const folderWithoutOrg = (): string => requireRootFolder(newRoot(false));

const table: CommandTable = { givenRoots, root, newRoot, folderWithoutOrg, output, serviceOutput, Option };
// In the order `lemming --help` and docs/commands.md list them: making an org, running it, taking part, reading it, studying it, its past.
addOrgCommands(program, table);
addRunningCommands(program, table);
addPersonCommands(program, table);
addReadingCommands(program, table);
addStudyCommands(program, table);
addHistoryCommands(program, table);

/** The program with every command defined, unparsed: `main` runs it, and `npm run docs` writes the command reference from it. */
export { program };

/**
 * Run the command `argv` names (the arguments after `lemming`, like `['--root', 'lab', 'status']`)
 * with `io`'s streams, folder and environment, and give its exit code. The binary (main.ts) gives
 * its own process's; a test gives each command its own (tests/helpers/cli.ts), so it can run
 * commands in its own process, one at a time in a thread (src/invocation.ts says what a command
 * must not inherit from the one before it, and how it is forgotten).
 */
export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const leave = enterCommand({ env: io.env, cwd: io.cwd });
  setCommandIo(io);
  takeExitCode();
  try {
    // No top-level await: main.ts loads this module with require(), which refuses a module that awaits.
    await program.parseAsync([...argv], { from: 'user' });
    return takeExitCode();
  } catch (error) {
    takeExitCode();
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT.usage;
    return report(error);
  } finally {
    setCommandIo(undefined);
    leave();
  }
}
