import type { Command } from 'commander';
import { TOC_END, TOC_START, withTableOfContents } from './markdown-toc.js';

/**
 * docs/commands.md, written from the commander program itself (src/cli/program.ts, its commands in src/cli/command-table/): every
 * command, its usage line, its arguments and its options with their descriptions, defaults and
 * choices, as `lemming <command> --help` words them. Nothing here is typed twice, so the page
 * cannot say an option exists that the program does not take. Pure: a program in, markdown out.
 */

/** Text for a markdown table's cell: pipes escaped, line breaks as spaces. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replace(/\s*\n\s*/g, ' ');
}

/** A command line's words in backticks, however many backticks they hold. */
function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

function optionRows(command: Command): string[] {
  const help = command.createHelp();
  return help.visibleOptions(command).map((option) => `| ${code(help.optionTerm(option))} | ${cell(help.optionDescription(option))} |`);
}

function argumentRows(command: Command): string[] {
  const help = command.createHelp();
  // As the usage line writes them: <required>, [optional], a list as name...
  return help.visibleArguments(command).map((argument) => {
    const name = `${argument.name()}${argument.variadic ? '...' : ''}`;
    return `| ${code(argument.required ? `<${name}>` : `[${name}]`)} | ${cell(help.argumentDescription(argument))} |`;
  });
}

/** One command's section: its usage, what it does, its arguments and options. */
function commandSection(command: Command, path: string): string {
  const help = command.createHelp();
  const lines = [`## ${code(path)}`, '', cell(command.description()), '', '```', `Usage: ${help.commandUsage(command)}`, '```', ''];
  const argumentsTable = argumentRows(command);
  if (argumentsTable.length > 0) lines.push('| argument | what it is |', '| --- | --- |', ...argumentsTable, '');
  const options = optionRows(command);
  if (options.length > 0) lines.push('| option | what it does |', '| --- | --- |', ...options, '');
  return lines.join('\n');
}

/** Every visible command under `parent`, depth first, each with its full name (`lemming experiment`). */
function commandsOf(parent: Command, prefix: string): Array<{ command: Command; path: string }> {
  const help = parent.createHelp();
  return help.visibleCommands(parent)
    .filter((command) => command.name() !== 'help')
    .flatMap((command) => {
      const path = `${prefix} ${command.name()}`;
      return [{ command, path }, ...commandsOf(command, path)];
    });
}

/** The whole of docs/commands.md for this program. */
export function commandReference(program: Command): string {
  const name = program.name();
  const help = program.createHelp();
  const globalOptions = help.visibleOptions(program).map((option) => `| ${code(help.optionTerm(option))} | ${cell(help.optionDescription(option))} |`);
  const page = [
    '# Command reference',
    '',
    '<!-- Written by `npm run docs` from the command definitions in src/cli/command-table/: edit those, not this page. -->',
    '',
    `Every command of \`${name}\`, as \`${name} <command> --help\` describes it. Exit codes, the folders a command`,
    'writes into and a line on each command are in [Commands](cli.md); the guides say what each does at length.',
    '',
    TOC_START,
    TOC_END,
    '',
    '## Options of every command',
    '',
    cell(program.description()),
    '',
    '| option | what it does |',
    '| --- | --- |',
    ...globalOptions,
    '',
    ...commandsOf(program, name).map(({ command, path }) => commandSection(command, path)),
  ].join('\n');
  return withTableOfContents(`${page.trimEnd()}\n`);
}
