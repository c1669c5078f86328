import type { Command } from 'commander';
import { EXIT, LemmingError } from '../../errors.js';
import { PRIORITIES } from '../../mailbox/message.js';
import { packageVersion } from '../../package-root.js';
import { command } from '../command-modules.js';
import { execute } from '../execute.js';
import { pageLimit, positiveInteger, otlpUrl, turnNumber } from '../option-values.js';
import type { SearchOptions } from '../commands/search.js';
import type { CommandTable } from './command-table.js';

/** Commands that read an org and change nothing: its state, agents, logs, memory, mail, calls and traces, and checks of its files. */
export function addReadingCommands(program: Command, { root, output, Option }: CommandTable): void {
  program
    .command('status')
    .description("the turn, and each agent's credits left, unread mail, last activity and last error")
    .option('--all', 'list every agent: past 1,000 agents the table lists only those with mail, an error, a hold, no credits or a call in the last turn')
    .option('--json', 'print JSON (every agent)')
    .action((options: { json?: boolean; all?: boolean }) => execute(async () => (await command('status')).statusCommand(root(), options, output)));

  program
    .command('inspect')
    .description("an agent's resume, permissions, credits, notes and recent mail in and out")
    .argument('<agent>')
    .option('-n, --count <n>', 'how many recent messages each way', positiveInteger)
    .option('--json', 'print JSON')
    .action((agent: string, options: { count?: number; json?: boolean }) =>
      execute(async () => (await command('inspect')).inspectCommand(root(), agent, options, output)),
    );

  program
    .command('logs')
    .description("the last entries of an agent's activity log")
    .argument('<agent>')
    .option('-n, --lines <n>', 'how many entries', positiveInteger, 20)
    .option('--json', 'print each entry as JSON')
    .action((agent: string, options: { lines?: number; json?: boolean }) =>
      execute(async () => (await command('logs')).logsCommand(root(), agent, options, output)),
    );

  program
    .command('memory')
    .description("an agent's memory stream, newest first; with a query, the memories that bear on it, ranked as its next prompt would rank them (exit 1 when none does)")
    .argument('<agent>')
    .argument('[query]', 'words to look for')
    .option('-n, --limit <n>', 'how many memories (default 20)', positiveInteger)
    .option('--json', 'print JSON')
    .action((agent: string, query: string | undefined, options: { limit?: number; json?: boolean }) =>
      execute(async () => (await command('memory')).memoryCommand(root(), agent, query, options, output)),
    );

  program
    .command('search')
    .description('full-text search of every message (words, prefixes, small typos); exit 1 when nothing matches')
    .argument('<query>', 'the words to find')
    .option('--from <agent>', 'sent by this agent')
    .option('--to <agent>', 'sent to this agent')
    .option('--turn-from <n>', 'written in this turn or later', turnNumber)
    .option('--turn-to <n>', 'written in this turn or earlier', turnNumber)
    .addOption(new Option('--priority <priority>', 'of this priority').choices(PRIORITIES))
    .option('--subject <text>', 'whose subject holds this text')
    .option('-n, --limit <n>', 'at most this many (default 20)', pageLimit)
    .option('--json', 'print JSON')
    .action((query: string, options: SearchOptions) =>
      execute(async () => (await command('search')).searchCommand(root(), query, options, output)),
    );

  program
    .command('thread')
    .description('the conversation a message belongs to, built from reply_to')
    .argument('<message-id>', 'for example 000012-manager-001')
    .option('--json', 'print JSON')
    .action((id: string, options: { json?: boolean }) => execute(async () => (await command('thread')).threadCommand(root(), id, options, output)));

  program
    .command('requests')
    .description("every request a person made (the human, or an `outside_seats` seat) and where it stands: answered, or waiting on whom since which turn, and what it cost")
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => execute(async () => (await command('requests')).requestsCommand(root(), options, output)));

  program
    .command('trace')
    .description("what an agent's model was shown and what it answered (its last call, or turn N's); with --otlp, the run's turns sent as OpenTelemetry traces")
    .argument('[agent]')
    .option('--turn <n>', 'the call of this turn (with --otlp: send only this turn)', positiveInteger)
    .option('--json', 'print the trace as JSON')
    .addOption(new Option('--otlp <url>', "send every finished turn (from the agents' activity logs) as a trace to this OTLP/HTTP endpoint, for example http://localhost:4318").argParser(otlpUrl).conflicts('json'))
    .action((agent: string | undefined, options: { turn?: number; json?: boolean; otlp?: string }) =>
      execute(async () => {
        if (options.otlp !== undefined) return (await command('trace')).sendTracesCommand(root(), options.otlp, { ...(agent === undefined ? {} : { agent }), ...(options.turn === undefined ? {} : { turn: options.turn }) }, output);
        if (agent === undefined) throw new LemmingError('usage', 'lemming trace takes an agent, like `lemming trace coder_01`, or --otlp URL to send the run\'s turns', { exitCode: EXIT.usage });
        return (await command('trace')).traceCommand(root(), agent, options, output);
      }),
    );

  program
    .command('validate')
    .description('check every file of the org, its folders, and the state the next run reads back (the journal of an unfinished turn, the org it was planned with, what servers taught), changing nothing; each problem with file, field and a valid example; exit 1 on any error')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => execute(async () => (await command('validate')).validateCommand(root(), options, output)));

  program
    .command('tools')
    .description('every tool an agent can be given: built-ins, the org\'s command tools, MCP servers; who has each; whether commands can run here')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => execute(async () => (await command('tools')).toolsCommand(root(), options, output)));

  program
    .command('example-tools')
    .description("lemming's example MCP server over stdio (word_count, checklist), for an org's mcp_servers: `command: lemming, args: [example-tools]`")
    .action(() => execute(async () => (await command('example-tools')).exampleToolsCommand(packageVersion())));

  program
    .command('doctor')
    .description('whether each model the agents use can answer here: keys and headers set, agent programs installed, servers reachable')
    .option('--call', 'also ask each one a short question (paid APIs and programs bill it; no agent is charged); each line comes as its answer does')
    .option('--timeout <seconds>', 'with --call, the most seconds each call may take before it is stopped (default 30)', positiveInteger)
    .option('--json', 'print JSON')
    .action((options: { call?: boolean; json?: boolean; timeout?: number }) => execute(async () => (await command('doctor')).doctorCommand(root(), options, output)));
}
