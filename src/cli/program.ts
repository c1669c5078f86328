import { createRequire } from 'node:module';
import { LemmingError } from '../errors.js';
import { PRIORITIES, type Priority } from '../mailbox/message.js';
import { commanderOutput, commandIo, processOutput, requireRootFolder, resolveRoot, setCommandIo, type CommandIo, type Output } from './cli-context.js';
import { execute, report, takeExitCode } from './execute.js';
import { enterCommand } from '../invocation.js';
import {
  cassette,
  credits,
  mcpServerList,
  modelList,
  choiceList,
  outputMode,
  port,
  positiveInteger,
  turnNumber,
  LOG_FORMAT_HELP,
  QUEUE_HELP,
  OTLP_HELP,
  otlpUrl,
  screenMode,
  SHUTDOWN_HELP,
  shutdownSeconds,
  logFormat,
  serveFlags,
  type CassetteOptions,
  type ServeFlags,
  type ServiceFlags,
} from './option-values.js';
import { command } from './command-modules.js';
import { packageVersion } from '../package-root.js';
import type { SearchOptions } from './commands/search.js';

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

const program = new Command();
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
  if (roots.length > 1) throw new LemmingError('one-root', `--root was given ${roots.length} times; only \`lemming serve\` serves several orgs (e.g. lemming serve --root ./lab --root ./desk)`, { exitCode: 2 });
  return resolveRoot({ root: roots[0], needsOrg });
};
/** The root of every other command: the folder must exist. */
const root = (): string => requireRootFolder(newRoot());
/** The folder of a command that needs no org (`worker`): `--root`, else the current folder, also inside a lemming clone. */
const folderWithoutOrg = (): string => requireRootFolder(newRoot(false));

program
  .command('bootstrap')
  .description('write the default org (or a template) into the root; never overwrites a file you edited, repairs missing folders')
  .option('--template <name-or-folder>', 'start from this org template (see `lemming templates`) or a folder of your own, like ./my-template')
  .action((options: { template?: string }) => execute(async () => command('bootstrap').bootstrapCommand(newRoot(), output, options)));

program
  .command('templates')
  .description('the org templates bootstrap and demo start from, and the agent templates hires start from, a line each')
  .option('--json', 'print JSON')
  .action((options: { json?: boolean }) => execute(async () => command('templates').templatesCommand(newRoot(), options, output)));

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
      if (options.dryRun && options.until) throw new LemmingError('usage', '--dry-run takes --turns N, not --until', { exitCode: 2 });
      if (options.dryRun) return command('dry-run').dryRunCommand(root(), { ...(options.turns ? { turns: options.turns } : {}), json: options.json ?? false }, output);
      const mode = options.logFormat === 'json' ? 'log' : screenMode(options);
      if (options.paused && (mode !== 'ui' || !commandIo().stdin.isTTY)) {
        throw new LemmingError('usage', '--paused needs the terminal screen and its keys: drop --plain and --json, and run it in a terminal', { exitCode: 2 });
      }
      // Before the run's modules load: compiling them grows V8's young generation past what keepHeapSmall keeps, and it never shrinks.
      if (commandIo().ownsProcess) await (await import('../heap-settings.js')).keepHeapSmall();
      const { runCommand } = command('run');
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
    execute(async () => command('run').runCommand(root(), { mode: outputMode(options), once: true, ...cassette(options) }, output)),
  );

program
  .command('worker')
  .description('make model and MCP tool calls for engines that run with --queue; keys come from this environment or the .env in --root (default: the current folder); it needs no org')
  .requiredOption('--queue <redis-url>', 'the Redis the engines use, for example redis://127.0.0.1:6379')
  .option('--models <keys>', 'the registry keys to serve, comma-separated (default: every model an engine asks for)', modelList)
  .option('--mcp-servers <names>', 'the org MCP servers to run, comma-separated (default: every one an engine declares)', mcpServerList)
  .option('--concurrency <n>', 'calls in progress at once, per model and per MCP server', positiveInteger, 4)
  .option('--lock-seconds <n>', 'how long a job stays with a worker that stopped answering before another takes it', positiveInteger)
  .option('--health-port <n>', 'serve /healthz, /readyz and /metrics (Prometheus) on this port of 127.0.0.1 (0: any free port)', port)
  .option('--health-host <address>', 'with --health-port: the address to listen on (default 127.0.0.1)')
  .option('--shutdown-timeout <seconds>', 'after SIGTERM or SIGINT, the most seconds to finish the calls in progress before handing them back to the queue (default 8)', shutdownSeconds)
  .option('--log-format <format>', LOG_FORMAT_HELP, logFormat)
  .action((options: { queue: string; models?: string[]; mcpServers?: string[]; concurrency: number; lockSeconds?: number; healthPort?: number; healthHost?: string } & ServiceFlags) =>
    execute(async () => command('worker').workerCommand(folderWithoutOrg(), options, serviceOutput(options, folderWithoutOrg)), serviceOutput(options, folderWithoutOrg)),
  );

program
  .command('experiment')
  .description('run variants of the org (models, budgets, chart, resumes, opening messages), each in its own copy (with `base: ORG@N` in the file, its own fork of ORG after turn N), and compare them')
  .argument('<file>', 'the experiment, in YAML (see docs/experiments.md)')
  .option('--parallel <n>', 'runs at once, each in its own process (default: the file\'s `parallel`, else 2)', positiveInteger)
  .option('--queue <redis-url>', 'send the runs\' model calls to `lemming worker` processes on this Redis')
  .option('--json', 'print the outcome as JSON')
  .option('--plain', "no live line of the running runs on a terminal: a line per run and finished turn, as when standard error is not a terminal or in CI")
  .action((file: string, options: { parallel?: number; queue?: string; json?: boolean; plain?: boolean }) =>
    execute(async () => command('experiment').experimentCommand(root(), file, options, output)),
  );

program
  .command('blame')
  .description('find the step that made a run fail a check: fork the run before each agent call, re-run that call k times with other seeds (or --model), run each fork to the end, check it, and rank the steps by how often the change makes it pass')
  .argument('[run]', 'the failed run: an org that keeps a history (default: --root)')
  .requiredOption('--check <name>', 'the check the run fails')
  .option('--checks <file>', 'the experiment file whose `checks:` defines it')
  .option('-k, --k <n>', 'forks per step (default 3)', positiveInteger)
  .option('--path', "only the calls on the path of the person's requests, not every call from turn 1")
  .option('--seed <n>', 'the seed the tries\' seeds are drawn from (default 1)', turnNumber)
  .option('--model <key>', 're-run each call on this registry model (a repair model) instead of other seeds')
  .option('--turns <n>', 'the most turns a fork runs after its step (default: engine.max_turns)', positiveInteger)
  .option('--parallel <n>', 'forks run at once (default 1)', positiveInteger)
  .option('--dry-run', 'say what it would cost; fork nothing')
  .option('--out <dir>', 'where the forks and the report go (default: RUN/blame/<check>)')
  .option('--json', 'print the report as JSON')
  .action((run: string | undefined, options: import('./commands/blame.js').BlameCommandOptions) =>
    execute(async () => command('blame').blameCommand(run ?? root(), options, output)),
  );

program
  .command('calibrate')
  .description("put a reference's survey questions to the org's agents (no side effect; research credits) and compare their answers with real ones, per question and persona group, beside answers at random and the real data's split halves")
  .argument('<reference>', 'the reference: a YAML file of questions and a CSV of real answers (see docs/validation.md)')
  .option('--seed <n>', 'the seed of the intervals and baselines (default 1)', turnNumber)
  .option('--dry-run', 'say how many calls it would make; ask nothing')
  .option('--out <dir>', 'where the report goes (default: ROOT/calibration/<reference name>)')
  .option('--json', 'print the report as JSON')
  .action((reference: string, options: import('./commands/calibrate.js').CalibrateCommandOptions) =>
    execute(async () => command('calibrate').calibrateCommand(root(), reference, options, output)),
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
    execute(async () => command('diff').diffCommand([a, b].filter((folder): folder is string => folder !== undefined), root, options, output)),
  );

program
  .command('demo')
  .description('run the default org end to end: seed a first task from the human if there is none, then run to idle')
  .option('--turns <n>', 'run at most this many turns', positiveInteger)
  .option('--json', 'print events as one JSON object per line')
  .option('--queue <redis-url>', QUEUE_HELP)
  .option('--template <name-or-folder>', 'start from this org template and send its seed task (see `lemming templates`)')
  .action((options: { turns?: number; json?: boolean; queue?: string; template?: string }) =>
    execute(async () =>
      command('demo').demoCommand(
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
  .command('send')
  .description('send a message as the human (or, with --from, as an agent, to seed a study\'s mail); "-" as the text reads it from standard input')
  .argument('<agent>', 'the recipient')
  .argument('<text...>', 'the message')
  .option('--subject <subject>', 'a subject line')
  .addOption(new Option('--priority <priority>', 'how urgent it is').choices(PRIORITIES))
  .option('--reply-to <id>', 'the id of the message this answers')
  .option('--from <agent>', "write it into this agent's outbox instead of the human's, as if the agent had sent it (agent-to-agent mail for a study); the chart is checked as for the agent's own sends")
  .action((agent: string, text: string[], options: { subject?: string; priority?: Priority; replyTo?: string; from?: string }) =>
    execute(async () => command('send').sendCommand(root(), agent, text, options, output)),
  );

program
  .command('chat')
  .description('take part as the human: your conversations, an input line, new mail as soon as it is written')
  .option('--drive', 'after each message, run turns until someone writes back (takes the org lock while it drives)')
  .option('--turns <n>', 'with --drive: the most turns one message drives (default: org.yaml engine.max_turns)', positiveInteger)
  .option('--to <agent>', 'whom to write to first')
  .option('--plain', 'read lines from standard input and print lines (the default when either is not a terminal)')
  .option('--queue <redis-url>', `with --drive: ${QUEUE_HELP}`)
  .action((options: { drive?: boolean; turns?: number; to?: string; plain?: boolean; queue?: string }) =>
    execute(async () => command('chat').chatCommand(root(), options, output)),
  );

program
  .command('inbox')
  .description("show the human's unread mail and mark it read")
  .option('--all', 'show all mail, read or not')
  .option('--json', 'print JSON')
  .action((options: { all?: boolean; json?: boolean }) =>
    execute(async () => command('inbox').inboxCommand(root(), options, output)),
  );

program
  .command('status')
  .description("the turn, and each agent's credits left, unread mail, last activity and last error")
  .option('--all', 'list every agent: past 1,000 agents the table lists only those with mail, an error, a hold, no credits or a call in the last turn')
  .option('--json', 'print JSON (every agent)')
  .action((options: { json?: boolean; all?: boolean }) => execute(async () => command('status').statusCommand(root(), options, output)));

program
  .command('inspect')
  .description("an agent's resume, permissions, credits, notes and recent mail in and out")
  .argument('<agent>')
  .option('-n, --count <n>', 'how many recent messages each way', positiveInteger)
  .option('--json', 'print JSON')
  .action((agent: string, options: { count?: number; json?: boolean }) =>
    execute(async () => command('inspect').inspectCommand(root(), agent, options, output)),
  );

program
  .command('logs')
  .description("the last entries of an agent's activity log")
  .argument('<agent>')
  .option('-n, --lines <n>', 'how many entries', positiveInteger, 20)
  .option('--json', 'print each entry as JSON')
  .action((agent: string, options: { lines?: number; json?: boolean }) =>
    execute(async () => command('logs').logsCommand(root(), agent, options, output)),
  );

program
  .command('memory')
  .description("an agent's memory stream, newest first; with a query, the memories that bear on it, ranked as its next prompt would rank them (exit 1 when none does)")
  .argument('<agent>')
  .argument('[query]', 'words to look for')
  .option('-n, --limit <n>', 'how many memories (default 20)', positiveInteger)
  .option('--json', 'print JSON')
  .action((agent: string, query: string | undefined, options: { limit?: number; json?: boolean }) =>
    execute(async () => command('memory').memoryCommand(root(), agent, query, options, output)),
  );

program
  .command('top-up')
  .description("add credits to an agent's budget (a ledger entry)")
  .argument('<agent>')
  .argument('<credits>', 'how many credits, for example 0.5', credits)
  .action((agent: string, credits: number) => execute(async () => command('top-up').topUpCommand(root(), agent, credits, output)));

program
  .command('retry')
  .description('call an agent held because its models kept failing again, from the next turn')
  .argument('<agent>')
  .action((agent: string) => execute(async () => command('retry').retryCommand(root(), agent, output)));

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
        command('serve').serveCommand(
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
  .action((options: { as?: string }) => execute(async () => command('mcp').mcpCommand(root(), options, output)));

program
  .command('search')
  .description('full-text search of every message (words, prefixes, small typos); exit 1 when nothing matches')
  .argument('<query>', 'the words to find')
  .option('--from <agent>', 'sent by this agent')
  .option('--to <agent>', 'sent to this agent')
  .option('--turn-from <n>', 'written in this turn or later')
  .option('--turn-to <n>', 'written in this turn or earlier')
  .addOption(new Option('--priority <priority>', 'of this priority').choices(PRIORITIES))
  .option('--subject <text>', 'whose subject holds this text')
  .option('-n, --limit <n>', 'at most this many (default 20)')
  .option('--json', 'print JSON')
  .action((query: string, options: SearchOptions) =>
    execute(async () => command('search').searchCommand(root(), query, options, output)),
  );

program
  .command('thread')
  .description('the conversation a message belongs to, built from reply_to')
  .argument('<message-id>', 'for example 000012-manager-001')
  .option('--json', 'print JSON')
  .action((id: string, options: { json?: boolean }) => execute(async () => command('thread').threadCommand(root(), id, options, output)));

program
  .command('example-tools')
  .description("lemming's example MCP server over stdio (word_count, checklist), for an org's mcp_servers: `command: lemming, args: [example-tools]`")
  .action(() => execute(async () => command('example-tools').exampleToolsCommand(packageVersion())));

program
  .command('requests')
  .description("every request the human made and where it stands: answered, or waiting on whom since which turn, and what it cost")
  .option('--json', 'print JSON')
  .action((options: { json?: boolean }) => execute(async () => command('requests').requestsCommand(root(), options, output)));

program
  .command('analyze')
  .description("the org's network measured from its files: span of control and load per agent, messages per chart edge, each request's path to its answer, bottlenecks, unanswered requests, ping-pong, repeated messages, members who never answer, escalation storms")
  .option('--reference <edges>', "compare the run's communication network with a real one (a SNAP edge list): degree distributions (KS), reciprocity, share inside departments, clustering, who never writes")
  .option('--labels <file>', "with --reference: the real network's departments, `NODE DEPARTMENT` a line")
  .option('--runs <folder>', "with --reference: every run in this experiment's folder, each a repeat (the real value, the runs' mean and its 95% interval)")
  .option('--variant <name>', 'with --runs: the runs of this variant (needed when the folder holds several)')
  .option('--json', 'print JSON')
  .action((options: { json?: boolean; reference?: string; labels?: string; runs?: string; variant?: string }) =>
    execute(async () => {
      if ((options.labels !== undefined || options.runs !== undefined) && options.reference === undefined) {
        throw new LemmingError('usage', '--labels and --runs go with --reference EDGES: they say what the real network is compared with', { exitCode: 2 });
      }
      if (options.variant !== undefined && options.runs === undefined) throw new LemmingError('usage', '--variant goes with --runs FOLDER: it picks that variant\'s runs', { exitCode: 2 });
      return command('analyze').analyzeCommand(options.runs === undefined ? root() : newRoot(false), options, output);
    }),
  );

program
  .command('ask')
  .description("put a question to agents (with their resume, notes and latest mail) and print their answers; nothing is delivered, nothing of theirs changes, and the calls are charged to the ledger's research account, not to their balances")
  .argument('<agent-and-question...>', 'an agent and the question; with --all or --role, the question alone')
  .option('--all', 'ask every agent')
  .option('--role <role>', "ask the agents whose title (or name) holds this word, for example engineer")
  .option('--choices <list>', 'the answer is one of these, separated by commas: yes,no,unsure', choiceList)
  .option('--number', 'the answer is a number')
  .option('--json', 'print JSON')
  .action((words: string[], options: { all?: boolean; role?: string; choices?: string[]; number?: boolean; json?: boolean }) =>
    execute(async () => command('ask').askCommand(root(), words, options, output)),
  );

program
  .command('trace')
  .description("what an agent's model was shown and what it answered (its last call, or turn N's); with --otlp, the run's turns sent as OpenTelemetry traces")
  .argument('[agent]')
  .option('--turn <n>', 'the call of this turn (with --otlp: send only this turn)', positiveInteger)
  .option('--json', 'print the trace as JSON')
  .addOption(new Option('--otlp <url>', "send every finished turn (from the agents' activity logs) as a trace to this OTLP/HTTP endpoint, for example http://localhost:4318").argParser(otlpUrl).conflicts('json'))
  .action((agent: string | undefined, options: { turn?: number; json?: boolean; otlp?: string }) =>
    execute(async () => {
      if (options.otlp !== undefined) return command('trace').sendTracesCommand(root(), options.otlp, { ...(agent === undefined ? {} : { agent }), ...(options.turn === undefined ? {} : { turn: options.turn }) }, output);
      if (agent === undefined) throw new LemmingError('usage', 'lemming trace takes an agent, like `lemming trace coder_01`, or --otlp URL to send the run\'s turns', { exitCode: 2 });
      return command('trace').traceCommand(root(), agent, options, output);
    }),
  );

program
  .command('validate')
  .description('check every file of the org; each problem with file, field and a valid example; exit 1 on any error')
  .option('--json', 'print JSON')
  .action((options: { json?: boolean }) => execute(async () => command('validate').validateCommand(root(), options, output)));

program
  .command('tools')
  .description('every tool an agent can be given: built-ins, the org\'s command tools, MCP servers; who has each; whether commands can run here')
  .option('--json', 'print JSON')
  .action((options: { json?: boolean }) => execute(async () => command('tools').toolsCommand(root(), options, output)));

program
  .command('doctor')
  .description('whether each model the agents use can answer here: keys and headers set, agent programs installed, servers reachable')
  .option('--call', 'also ask each one a short question (paid APIs and programs bill it; no agent is charged); each line comes as its answer does')
  .option('--timeout <seconds>', 'with --call, the most seconds each call may take before it is stopped (default 30)', positiveInteger)
  .option('--json', 'print JSON')
  .action((options: { call?: boolean; json?: boolean; timeout?: number }) => execute(async () => command('doctor').doctorCommand(root(), options, output)));

program
  .command('adopt')
  .description('take the mail now in the outboxes as history, for an org copied or cloned without org/state')
  .action(() => execute(async () => command('adopt').adoptCommand(root(), output)));

program
  .command('export')
  .description('write the org as one .tar.gz: its record included, secrets and machine-local caches left out; `lemming import` makes it again')
  .argument('<file>', 'the archive to write, like org.tar.gz')
  .option('--history', "carry the org's history too (every turn kept, as a git bundle); `lemming import` restores it")
  .action((file: string, options: { history?: boolean }) => execute(async () => command('export').exportCommand(root(), file, options, output)));

program
  .command('import')
  .description('make a new org at --root from an archive `lemming export` or `lemming backup` wrote; it goes on where it was')
  .argument('<file>', 'the archive')
  .action((file: string) => execute(async () => command('import').importCommand(newRoot(), file, output)));

program
  .command('import-marble')
  .description('make orgs from MultiAgentBench (MARBLE) task rows (JSONL): profiles to resumes, relationships and coordination mode to the chart, the task to the human\'s first message, and an experiment file running its coordination modes as variants')
  .argument('<file>', 'a MARBLE JSONL file, one task a line')
  .option('--row <line>', 'the row on this line of the file (default: the file\'s only row)', positiveInteger)
  .option('--all', 'every row, each an org in a folder of --root named marble-<scenario>-<task_id>')
  .action((file: string, options: { row?: number; all?: boolean }) =>
    execute(async () => command('import-marble').importMarbleCommand(newRoot(), file, { ...(options.row === undefined ? {} : { row: options.row }), ...(options.all ? { all: true } : {}) }, output)),
  );

program
  .command('import-network')
  .description('make an org from a real communication network (a SNAP edge list, `SENDER RECIPIENT` a line): one agent per person, each department a team under its lead, chart edges for who wrote to whom (see docs/validation.md)')
  .argument('<edges>', 'the edge list, for example data/email-eu-core/email-Eu-core.txt')
  .option('--labels <file>', 'each person\'s department, `NODE DEPARTMENT` a line, for example data/email-eu-core/email-Eu-core-department-labels.txt')
  .addOption(new Option('--chart <edges>', 'observed: who wrote to whom in the data, plus each reporting line; department: everyone to everyone of their department').choices(['observed', 'department']).default('observed'))
  .option('--template <name-or-folder>', "take org.yaml's settings and model registry from this org template or a folder of your own (default: the default org's)")
  .option('--model <model>', 'the registry model every agent runs on (default offline)')
  .option('--credits <n>', "each agent's budget (default 5)", credits)
  .option('--name <name>', "the org's name (default: from the file's name)")
  .option('--json', 'print JSON')
  .action((edges: string, options: { labels?: string; chart?: 'observed' | 'department'; template?: string; model?: string; credits?: number; name?: string; json?: boolean }) =>
    execute(async () => command('import-network').importNetworkCommand(newRoot(), edges, options, output)),
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
        throw new LemmingError('usage', '--record and --replay go with --enrich MODEL: they keep or answer its calls', { exitCode: 2 });
      }
      return command('populate').populateCommand(newRoot(), spec, options, output);
    }),
  );

program
  .command('backup')
  .description('an export taken while a run goes on, between two of its turns, without stopping it')
  .argument('[file]', 'the archive to write (default: backups/backup-<time>.tar.gz in the root)')
  .action((file: string | undefined) => execute(async () => command('backup').backupCommand(root(), file, output)));

program
  .command('history')
  .description("the org's history: each turn kept with what changed in it (messages by sender, credits, files, proposals decided) and the hand edits between turns (org.yaml history.keep)")
  .option('--json', 'print JSON')
  .option('--prune-before <n>', 'drop the entries before turn N for good (turns before N can no longer be shown, forked or diffed); the org\'s files are untouched', turnNumber)
  .option('-y, --yes', 'with --prune-before: do not ask')
  .action((options: { json?: boolean; pruneBefore?: number; yes?: boolean }) => execute(async () => command('history').historyCommand(root(), options, output)));

program
  .command('show')
  .description('print a file of the org as it was after turn N, from its history')
  .argument('<path>', 'the file, relative to the root, like agents/manager/resume.md')
  .requiredOption('--at <n>', 'the turn', turnNumber)
  .action((path: string, options: { at: number }) => execute(async () => command('show').showCommand(root(), path, options, output)));

program
  .command('fork')
  .description('make a new org at --root: the org at --from as it was after turn N (record, ledger, balances, proposals, workspaces), with the hand edits made before turn N+1; its next run is turn N+1, as the original\'s was')
  .requiredOption('--from <dir>', 'the org whose history holds the turn')
  .requiredOption('--at <n>', 'the turn to fork after (0: before the first turn)', turnNumber)
  .action((options: { from: string; at: number }) =>
    execute(async () => command('fork').forkCommand(newRoot(), resolveRoot({ root: options.from }), options, output)),
  );

program
  .command('reset')
  .description('clear run state, outboxes, notes and logs; keep resumes, chart and org.yaml')
  .option('-y, --yes', 'do not ask')
  .action((options: { yes?: boolean }) => execute(async () => command('reset').resetCommand(root(), options, output)));

program
  .command('approvals')
  .description('proposals waiting for your decision: hires, retirements and tool calls (org/proposals/)')
  .option('--all', 'include decided proposals')
  .option('--json', 'print JSON')
  .action((options: { all?: boolean; json?: boolean }) =>
    execute(async () => command('approvals').approvalsCommand(root(), options, output)),
  );

program
  .command('approve')
  .description('approve a proposal; a hire is carried out at once and the new agent joins at the next turn')
  .argument('<id>', 'the proposal id, as `lemming approvals` shows it')
  .action((id: string) => execute(async () => command('approvals').decideCommand(root(), id, 'approve', undefined, output)));

program
  .command('reject')
  .description('reject a proposal; the proposer is told why')
  .argument('<id>', 'the proposal id')
  .option('--reason <text>', 'why, for the proposer')
  .action((id: string, options: { reason?: string }) =>
    execute(async () => command('approvals').decideCommand(root(), id, 'reject', options.reason, output)),
  );

program
  .command('add-agent')
  .description("add an agent: writes its resume and its chart entries (to and from its manager)")
  .argument('<name>', 'folder name, like coder_02')
  .option('--title <title>', 'job title (required without --template)')
  .requiredOption('--reports-to <agent>', 'its manager')
  .option('--template <name>', 'start from an agent template of org/templates/ (see `lemming templates`); the other options override it')
  .option('--model <key>', "a model key from org.yaml (default: the manager's)")
  .option('--credits <n>', 'its budget (default 0.5)', credits)
  .option('--instructions <text>', 'the body of its resume')
  .option('--tools <list>', 'comma-separated tools, like send_message,remember,read_file,write_file')
  .action((name: string, options: { title?: string; reportsTo: string; model?: string; credits?: number; instructions?: string; tools?: string; template?: string }) =>
    execute(async () => command('add-agent').addAgentCommand(root(), name, options, output)),
  );

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
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    return report(error);
  } finally {
    setCommandIo(undefined);
    leave();
  }
}
