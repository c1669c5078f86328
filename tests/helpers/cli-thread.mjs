// @ts-check
/*
 * A thread of the test's process that runs `lemming` commands one at a time, through the built
 * program's `main(argv, io)` (dist/cli/program.js, loaded as the binary loads it), with the
 * streams, folder and environment each command is given (tests/helpers/cli.ts starts it).
 * lemming's modules are loaded and compiled once for every command the thread runs, where each run
 * of the binary is a new Node process that loads them again: the most of a command's CPU time.
 *
 * What a process's end would do, the thread does after each command: it waits until the work the
 * command left going is done (an entry git still writes, a file still being closed: what keeps a
 * process from exiting keeps the answer back), and a command that calls process.exit or throws
 * where nothing catches it ends the thread, as it would end the process, after saying how.
 */
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);
/** @type {typeof import('../../src/cli/program.js')} */
const { main } = require(workerData.program);

/** The command now running: where its output goes and how to say it ended. */
let running;

/** Send what the command wrote and how it ended, and wake the test if it waits (lemming()). */
function finish(status, extra = '', threadEnds = false) {
  if (running === undefined) return;
  const { port, flag, output } = running;
  running = undefined;
  port.postMessage({ status, stdout: output.stdout, stderr: output.stderr + extra, threadEnds });
  port.close();
  if (flag) {
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  }
}

const exitProcess = process.exit.bind(process);
// In a thread, process.exit ends the thread; a command that exits the process ends the command, as in the binary.
process.exit = /** @type {typeof process.exit} */ ((code) => {
  finish(typeof code === 'number' ? code : typeof process.exitCode === 'number' ? process.exitCode : 0, '', true);
  return exitProcess(code);
});
process.on('uncaughtException', (error) => {
  finish(1, `${error instanceof Error ? error.stack : String(error)}\n[test helper: uncaught in the command's thread; the thread ends]\n`, true);
  exitProcess(1);
});
process.on('unhandledRejection', (error) => {
  finish(1, `${error instanceof Error ? error.stack : String(error)}\n[test helper: unhandled rejection in the command's thread; the thread ends]\n`, true);
  exitProcess(1);
});

/** Resolves once nothing the command left keeps the thread busy: what it has besides `baseline`, its own ports. */
async function settled(baseline) {
  const counts = (list) => list.reduce((map, kind) => map.set(kind, (map.get(kind) ?? 0) + 1), new Map());
  const allowed = counts(baseline);
  for (let wait = 0; ; wait = Math.min(20, wait + 1)) {
    const now = counts(process.getActiveResourcesInfo());
    if ([...now].every(([kind, count]) => count <= (allowed.get(kind) ?? 0))) return;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

parentPort?.on('message', async (request) => {
  const output = { stdout: '', stderr: '' };
  running = { port: request.port, flag: request.flag === undefined ? undefined : new Int32Array(request.flag), output };
  const baseline = process.getActiveResourcesInfo();
  const io = {
    stdin: Readable.from(request.input === undefined ? [] : [request.input]),
    stdout: { isTTY: false, write: (text) => ((output.stdout += text), true) },
    stderr: { isTTY: false, write: (text) => ((output.stderr += text), true) },
    cwd: request.cwd,
    env: request.env,
    ownsProcess: false,
  };
  let status;
  try {
    status = await main(request.argv, io);
  } catch (error) {
    finish(1, `${error instanceof Error ? error.stack : String(error)}\n[test helper: main threw]\n`);
    return;
  }
  await settled(baseline);
  finish(status);
});
