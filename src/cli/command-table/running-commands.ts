import type { Command } from 'commander';
import { EXIT, LemmingError } from '../../errors.js';
import { commandIo, requireRootFolder, resolveRoot } from '../cli-context.js';
import { command } from '../command-modules.js';
import { execute } from '../execute.js';
import { cassette, mcpServerList, modelList, outputMode, port, positiveInteger, LOG_FORMAT_HELP, QUEUE_HELP, OTLP_HELP, otlpUrl, screenMode, SHUTDOWN_HELP, shutdownSeconds, logFormat, serveFlags, type CassetteOptions, type ServeFlags, type ServiceFlags } from '../option-values.js';
import type { CommandTable } from './command-table.js';

/** Commands that run turns, or serve those that do: the engine, its workers, the dashboard, the MCP server. */
export function addRunningCommands(program: Command, { root, folderWithoutOrg, output, serviceOutput, givenRoots, Option }: CommandTable): void {
  program
    .command('run')
    .description('run turns until the org is idle (nobody has unread mail) or the turn cap; Ctrl-C stops cleanly')
    .option('--turns <n>', 'run at most this many turns (default: org.yaml engine.max_turns)', positiveInteger)
    .addOption(new Option('--until <n>', 'run until turn N has committed, counting from where the org is (a turn a kill left unfinished is one of the way, not one more)').argParser(positiveInteger).conflicts('turns'))
    .option('--keep-going', 'do not stop when idle: run every turn up to --turns (for scheduled agents)')
    .option('--plain', 'print events as lines (the default when stdout is not a terminal)')
    .addOption(new Option('--json', 'print events as one JSON object per line').conflicts('plain'))
    .option('--paused', 'open the terminal screen paused: `s` runs one turn, `p` goes on')
    .addOption(new Option('--record <file>', 'write every model request and answer to this cassette (JSONL)').conflicts('replay'))
    .option('--replay <file>', 'answer every model call from this cassette, with no network')
    .option('--serve', 'also serve the web dashboard on this run (see `lemming serve`); it stays up after the run until Ctrl-C')
    .option('--port <n>', 'with --serve: the port', port)
    .option('--host <address>', 'with --serve: the address to listen on (default 127.0.0.1)')
    .option('--queue <redis-url>', QUEUE_HELP)
    .option('--otlp <url>', OTLP_HELP, otlpUrl)
    .option('--dry-run', 'call no model and change no file: who the next turn (or --turns N) would call, on which model, prompt sizes and estimated cost')
    .option('--shutdown-timeout <seconds>', SHUTDOWN_HELP, shutdownSeconds)
    .addOption(new Option('--log-format <format>', LOG_FORMAT_HELP).argParser(logFormat).conflicts(['json', 'paused']))
    .action((options: { turns?: number; until?: number; keepGoing?: boolean; plain?: boolean; json?: boolean; paused?: boolean; serve?: boolean; dryRun?: boolean } & ServiceFlags & ServeFlags & CassetteOptions) =>
      execute(async () => {
        if (options.dryRun && options.until) throw new LemmingError('usage', '--dry-run takes --turns N, not --until', { exitCode: EXIT.usage });
        if (!options.serve && (options.port !== undefined || options.host !== undefined)) {
          throw new LemmingError('usage', '--port and --host go with --serve: they say where the dashboard listens; add --serve, or leave them out', { exitCode: EXIT.usage });
        }
        if (options.dryRun) return (await command('dry-run')).dryRunCommand(root(), { ...(options.turns ? { turns: options.turns } : {}), json: options.json ?? false }, output);
        const mode = options.logFormat === 'json' ? 'log' : screenMode(options);
        if (options.paused && (mode !== 'ui' || !commandIo().stdin.isTTY)) {
          throw new LemmingError('usage', '--paused needs the terminal screen and its keys: drop --plain and --json, and run it in a terminal', { exitCode: EXIT.usage });
        }
        // Before the run's modules load: compiling them grows V8's young generation past what keepHeapSmall keeps, and it never shrinks.
        if (commandIo().ownsProcess) await (await import('../../heap-settings.js')).keepHeapSmall();
        const { runCommand } = await command('run');
        return runCommand(
          root(),
          {
            mode,
            ...(options.turns ? { turns: options.turns } : {}),
            ...(options.until ? { until: options.until } : {}),
            keepGoing: options.keepGoing ?? false,
            paused: options.paused ?? false,
            ...cassette(options),
            ...(options.serve ? { serve: serveFlags(options) } : {}),
            ...(options.shutdownTimeout === undefined ? {} : { shutdownSeconds: options.shutdownTimeout }),
          },
          serviceOutput(options),
        );
      }, serviceOutput(options)),
    );

  program
    .command('run-once')
    .description('run exactly one turn, then summarise what happened')
    .option('--json', 'print events as one JSON object per line')
    .addOption(new Option('--record <file>', 'write every model request and answer to this cassette (JSONL)').conflicts('replay'))
    .option('--replay <file>', 'answer every model call from this cassette, with no network')
    .option('--queue <redis-url>', QUEUE_HELP)
    .option('--otlp <url>', OTLP_HELP, otlpUrl)
    .action((options: { json?: boolean } & CassetteOptions) =>
      execute(async () => (await command('run')).runCommand(root(), { mode: outputMode(options), once: true, ...cassette(options) }, output)),
    );

  program
    .command('worker')
    .description('make model and MCP tool calls for engines that run with --queue; keys come from this environment or the .env in --root (default: the current folder); it needs no org')
    .requiredOption('--queue <redis-url>', 'the Redis the engines use, for example redis://127.0.0.1:6379')
    .option('--models <keys>', 'the registry keys to serve, comma-separated, whatever their entry (an agent program, an HTTP agent, another base_url: anyone who can write to the Redis chooses it); default: every model an engine asks for whose entry goes only to a vendor\'s own API (the offline model; openai and anthropic at their own URLs)', modelList)
    .option('--mcp-servers <names>', 'the org MCP servers to run, comma-separated, whatever their declaration (default: none)', mcpServerList)
    .option('--org <folder>', 'also serve the models and run the MCP servers of the org in this folder, when a queue publishes them exactly as its org.yaml declares them')
    .option('--concurrency <n>', 'calls in progress at once, per model and per MCP server', positiveInteger, 4)
    .option('--lock-seconds <n>', 'how long a job stays with a worker that stopped answering before another takes it', positiveInteger)
    .option('--health-port <n>', 'serve /healthz, /readyz and /metrics (Prometheus) on this port of 127.0.0.1 (0: any free port)', port)
    .option('--health-host <address>', 'with --health-port: the address to listen on (default 127.0.0.1)')
    .option('--shutdown-timeout <seconds>', 'after SIGTERM or SIGINT, the most seconds to finish the calls in progress before handing them back to the queue (default 8)', shutdownSeconds)
    .option('--log-format <format>', LOG_FORMAT_HELP, logFormat)
    .action((options: { queue: string; models?: string[]; mcpServers?: string[]; org?: string; concurrency: number; lockSeconds?: number; healthPort?: number; healthHost?: string } & ServiceFlags) =>
      execute(async () => {
        if (options.healthHost !== undefined && options.healthPort === undefined) {
          throw new LemmingError('usage', '--health-host goes with --health-port: it says where /healthz listens; add --health-port N, or leave it out', { exitCode: EXIT.usage });
        }
        return (await command('worker')).workerCommand(folderWithoutOrg(), options, serviceOutput(options, folderWithoutOrg));
      }, serviceOutput(options, folderWithoutOrg)),
    );

  program
    .command('serve')
    .description('the web dashboard on 127.0.0.1, locked by a token in the URL it prints; it runs no turns. --root again (or a folder of orgs) serves several orgs, with a switcher')
    .option('--port <n>', 'the port (default 4780; 0 for any free port)', port)
    .option('--host <address>', 'the address to listen on; other than loopback, LEMMING_TOKEN must be set')
    .option('--shutdown-timeout <seconds>', SHUTDOWN_HELP, shutdownSeconds)
    .option('--log-format <format>', LOG_FORMAT_HELP, logFormat)
    .action((options: ServeFlags & ServiceFlags) =>
      execute(
        async () =>
          (await command('serve')).serveCommand(
            givenRoots().length > 1 ? givenRoots().map((given) => requireRootFolder(resolveRoot({ root: given }))) : [root()],
            { ...serveFlags(options), ...(options.shutdownTimeout === undefined ? {} : { shutdownSeconds: options.shutdownTimeout }) },
            serviceOutput(options),
          ),
        serviceOutput(options),
      ),
    );

  program
    .command('mcp')
    .description('the org as an MCP server on stdio, for a coding agent in an editor: inbox, send, search, threads, status, approvals; it runs no turns')
    .option('--as <seat>', 'take this seat instead of the human\'s: one org.yaml `outside_seats` grants (an agent with model: human)')
    .action((options: { as?: string }) => execute(async () => (await command('mcp')).mcpCommand(root(), options, output)));
}
