import { capCutText } from '../../format/mail-outcomes.js';
import { createRequire } from 'node:module';
import { fromWorkingFolder } from '../../invocation.js';
import type { Engine } from '../../engine/engine.js';
import { commandIo, type Output } from '../cli-context.js';
import { commandHint } from '../command-hint.js';
import { colourWanted, prepareUiColour } from '../colour.js';
import { ceilingLine, decisionsWaiting, failingLine, strandedLine, whereToLook, type OutputMode } from '../print-events.js';
import { exitCodeOf, runWithLines } from '../run-with-lines.js';
import { keepHeapSmall } from '../../heap-settings.js';
import { openEngine, type OpenedEngine } from '../../library/open-engine.js';
import { guardShutdown, type Shutdown } from '../shutdown.js';
import { closeAfterRun } from '../history-wait.js';
import type { ServeOptions } from './serve.js';
import type { ServedRun } from '../stay-serving.js';

const requireModule = createRequire(import.meta.url);

/** The flags of `lemming run` and `lemming run-once`. */
export interface RunCommandOptions {
  /** The most turns to run (default: org.yaml engine.max_turns). */
  turns?: number;
  /** `--until N`: run until turn N has committed (an unfinished turn a kill left is one of the way). */
  until?: number;
  /** Do not stop when idle: run every turn up to the cap (for scheduled agents). */
  keepGoing?: boolean;
  /** `ui`: the live terminal screen; `plain` and `json`: events as lines. */
  mode: OutputMode | 'ui';
  /** `run-once`: exactly one turn, whether or not anyone has mail. */
  once?: boolean;
  /** `--record FILE`: write every model request and answer to this cassette (JSONL). */
  record?: string;
  /** `--replay FILE`: answer every model call from this cassette, with no network. */
  replay?: string;
  /** Terminal UI only: open paused, so turns run one `s` at a time. */
  paused?: boolean;
  /** `--serve`: also serve the dashboard on the engine's own event stream; after the run it waits for mail and runs again, until Ctrl-C. */
  serve?: ServeOptions;
  /** `--queue redis://…`: model calls go to `lemming worker` processes (default: org.yaml engine.queue). */
  queue?: string;
  /** `--otlp URL`: each turn sent as a trace to this OTLP/HTTP endpoint (default: org.yaml telemetry.otlp). */
  otlp?: string;
  /** `--shutdown-timeout`: the most seconds the process takes to stop after SIGTERM or SIGINT (default: org.yaml engine.shutdown_seconds). */
  shutdownSeconds?: number;
}

/** `lemming run` and `lemming run-once`: the terminal UI, or events as lines or JSON. */
export async function runCommand(root: string, options: RunCommandOptions, output: Output): Promise<number> {
  // The terminal screen has its own keys for stopping; a run without one may be a service's.
  const shutdown = options.mode === 'ui' ? undefined : guardShutdown(output, options.shutdownSeconds);
  // The screen's modules take most of a second to load, several under load: say at once that the run starts,
  // and load them while the engine opens rather than after.
  const { afterErasing, startingLine } = options.mode === 'ui' ? startingLineCode() : { afterErasing: undefined, startingLine: undefined };
  const screen = startingLine ? { line: startingLine(commandIo().stdout, 'lemming run', root), code: loadRunScreen() } : undefined;
  // A line printed before the first frame (the dashboard's address, a model that cannot be reached) starts on a clean line.
  if (screen && afterErasing) output = afterErasing(output, screen.line);
  try {
    return await runEngine(root, options, output, shutdown, screen);
  } finally {
    screen?.line.erase();
    shutdown?.dispose();
  }
}

/** Required when the screen is wanted, so that run-once, plain and JSON runs load one module fewer. */
function startingLineCode(): typeof import('../starting-line.js') {
  return requireModule('../starting-line.js') as typeof import('../starting-line.js');
}

type RunScreenCode = typeof import('../../ui/run/run-app.js');

/** The live screen's code, its import begun now; a run that fails before it draws leaves no unhandled rejection. */
function loadRunScreen(): Promise<RunScreenCode> {
  // Loaded only here, so that plain output, JSON and every other command never load ink or React.
  const loading = import('../../ui/run/run-app.js');
  loading.catch(() => undefined);
  return loading;
}

/** Whether this run sets the heap's sizes (heap-settings.ts): a run that owns its process and runs more than one turn. */
function tunesHeap(options: RunCommandOptions): boolean {
  return !options.once && commandIo().ownsProcess;
}

type StartingScreen = { line: { erase(): void }; code: Promise<RunScreenCode> };

/** Open the engine (taking the org's lock), then run it, with the dashboard on its events for `--serve`. */
async function runEngine(root: string, options: RunCommandOptions, output: Output, shutdown?: Shutdown, screen?: StartingScreen): Promise<number> {
  const cassette = {
    ...(options.record === undefined ? {} : { record: fromWorkingFolder(options.record) }),
    ...(options.replay === undefined ? {} : { replay: fromWorkingFolder(options.replay) }),
  };
  // Tuning V8 is for the binary's own process: a command run in another program leaves its heap alone.
  if (tunesHeap(options)) await keepHeapSmall();
  const opened = openEngine(root, { command: options.once ? 'run-once' : 'run', cassette, ...(options.queue === undefined ? {} : { queue: options.queue }), ...(options.otlp === undefined ? {} : { otlp: options.otlp }) });
  try {
    if (!options.serve) return await runOpened(root, options, output, opened, undefined, shutdown, screen);
    // Loaded only here: the web server's modules cost start-up time no other run needs. Opened after the engine, so an
    // org another engine holds is refused before the dashboard prints an address that nothing would run behind.
    const { serveWhileRunning } = await import('./serve.js');
    return await serveWhileRunning(root, options.serve, output, (served) => runOpened(root, options, output, opened, served, shutdown, screen), options.mode === 'json', shutdown);
  } finally {
    const say = (line: string): void => (options.mode === 'json' || options.mode === 'log' ? output.err(line) : output.out(line));
    for (const warning of await closeAfterRun(opened.close(), () => opened.engine.historyClosing, say, output)) output.err(`lemming: ${warning}`);
  }
}

/** The run on an opened engine: the terminal screen or lines; with `served`, it stays serving after the run. */
async function runOpened(root: string, options: RunCommandOptions, output: Output, opened: OpenedEngine, served?: ServedRun, shutdown?: Shutdown, screen?: StartingScreen): Promise<number> {
  const maxTurns = options.once ? 1 : options.turns;
  const until = options.once || options.until === undefined ? {} : { untilTurn: options.until };
  const stopWhenIdle = options.once ? false : !options.keepGoing;
  const engine: Engine = served ? served.observe(opened.engine, () => opened.providers.queueAddress()) : opened.engine;
  if (options.shutdownSeconds === undefined) shutdown?.setBound(engine.currentOrg.settings.shutdown_seconds);
  // With --serve, the engine stays open after the run: waiting for mail, running again (stay-serving.ts).
  const stay = async (finished: Parameters<typeof exitCodeOf>[0], code: number, mode: OutputMode, colour = false): Promise<number> => {
    if (!served || options.once) return code;
    const { stayServing } = await import('../stay-serving.js');
    return stayServing(engine, finished, code, mode, output, served, colour);
  };
  if (tunesHeap(options)) await keepHeapSmall(engine.currentOrg.agents.size);
  // A server nothing answers at would fail every call of every turn: say so once, before turn 1.
  await engine.checkModelsReachable();
  if (options.mode === 'ui') {
    prepareUiColour(commandIo().stdout);
    const { runTerminalUi } = await (screen?.code ?? loadRunScreen());
    screen?.line.erase();
    const hint = commandHint(root);
    const result = await runTerminalUi(engine, { ...(maxTurns !== undefined ? { maxTurns } : {}), ...until, stopWhenIdle, paused: options.paused ?? false, hint });
    const finished = result.finished;
    // The screen's last frame already shows the totals and how the run ended; add where to look next.
    if (finished) {
      const stranded = strandedLine(finished, hint);
      if (stranded) output.out(stranded);
      const ceiling = ceilingLine(finished);
      if (ceiling) output.out(ceiling);
      if (finished.failing.length > 0) output.out(failingLine(finished, hint));
      // What the cap cut is said after the screen too: a study's reach depends on it.
      if (finished.totals.refusals.cap > 0) output.out(capCutText(finished.totals.refusals.cap));
      for (const line of decisionsWaiting(root, hint)) output.out(line);
      output.out(whereToLook(root, hint));
    }
    if (finished?.reason !== 'stopped') return await stay(finished, exitCodeOf(finished), 'plain');
    return result.stoppedBy === 'q' ? 0 : 130;
  }
  const colour = options.mode === 'plain' && colourWanted(commandIo().stdout);
  const ran = await runWithLines(engine, { ...(maxTurns !== undefined ? { maxTurns } : {}), ...until, stopWhenIdle, ...(options.shutdownSeconds === undefined ? {} : { stopBoundSeconds: options.shutdownSeconds }) }, options.mode, output, colour);
  // Awaited here: returned unawaited, the `finally` below would close the engine (and release the lock) while it still serves.
  return await stay(ran.finished, ran.exitCode, options.mode, colour);
}
