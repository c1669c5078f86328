import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cli, type BenchContext } from '../context.js';
import { atMostMs, type Row } from '../row.js';
import { figure, showMs, type Figure } from '../stats.js';

const RUNS = 5;

/** When a screen's first byte and its first frame reached the terminal, in ms from the start of the process. */
interface Opening {
  firstByte: number;
  firstFrame: number;
}

/** Colour, cursor moves and carriage returns taken out: the text a person reads. */
function plain(text: string): string {
  return text.replace(/\u001B\[[0-9;?<>=]*[ -/]*[@-~]/g, '').replace(/\r/g, '');
}

/**
 * The built CLI started in a pseudo-terminal of 80 × 24 (util-linux `script`, as a person's terminal
 * is), timed from the start of `node` to its first byte and to the first time `frame` shows; then
 * `quit` is typed. The time `script` and the shell take before `node` starts is not counted: the
 * shell prints a mark just before it starts node.
 */
function openScreen(args: string[], frame: string, quit: string): Promise<Opening> {
  const command = `stty cols 80 rows 24; printf '@'; exec ${[process.execPath, cli, ...args].map((word) => `'${word}'`).join(' ')}`;
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color' };
  // ink draws only the last frame when it believes it runs in CI; a person's terminal is what is measured.
  delete env.CI;
  delete env.CONTINUOUS_INTEGRATION;
  const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'ignore'], env });
  return new Promise((resolve, reject) => {
    let shown = '';
    let started: number | undefined;
    let firstByte: number | undefined;
    let done = false;
    const giveUp = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lemming ${args.join(' ')} drew no frame with "${frame}" in 60 s; it showed: ${plain(shown).slice(-500)}`));
    }, 60_000);
    child.stdout.on('data', (data: Buffer) => {
      const now = performance.now();
      let text = data.toString('utf8');
      if (started === undefined) {
        const mark = text.indexOf('@');
        if (mark < 0) return;
        started = now;
        text = text.slice(mark + 1);
        if (text === '') return;
      }
      firstByte ??= now;
      shown += text;
      if (!done && plain(shown).includes(frame)) {
        done = true;
        clearTimeout(giveUp);
        child.stdin.write(quit);
        // A screen that does not leave at its key is stopped: what was measured is already in.
        const stop = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => clearTimeout(stop));
        resolve({ firstByte: firstByte - started, firstFrame: now - started });
      }
    });
    child.once('error', reject);
  });
}

/** `lemming --version` in the same pseudo-terminal: Node started and the program loaded, the floor of both. */
function programStart(): Promise<Opening> {
  return openScreen(['--version'], '.', '');
}

/**
 * The first frame of the live screens (`lemming run` and `lemming chat`) in a pseudo-terminal, from
 * the start of node: the first line, printed before the screen's code loads, and the first frame.
 */
export async function firstFrame(context: BenchContext): Promise<Row[]> {
  if (spawnSync('script', ['--version']).status !== 0) {
    context.log('  util-linux `script` is missing: no pseudo-terminal, no figures');
    return [];
  }
  const storage = context.storages[0];
  if (!storage) return [];
  const root = join(mkdtempSync(join(storage.directory, 'first-frame-')), 'org');
  spawnSync(process.execPath, [cli, 'bootstrap', '--root', root], { encoding: 'utf8' });
  spawnSync(process.execPath, [cli, 'send', 'manager', 'Plan the release', '--root', root], { encoding: 'utf8' });
  const runs: Opening[] = [];
  const chats: Opening[] = [];
  const nodes: Opening[] = [];
  // Taken in alternation, so whatever else the machine does weighs on all three alike.
  for (let run = 0; run < RUNS; run += 1) {
    nodes.push(await programStart());
    runs.push(await openScreen(['run', '--paused', '--root', root], 'p go on', 'q'));
    chats.push(await openScreen(['chat', '--root', root], 'writing to', '\u0003'));
  }
  rmSync(join(root, '..'), { recursive: true, force: true });
  const node: Figure = figure(nodes.map((opening) => opening.firstFrame));
  const rows: Row[] = [{ what: '`lemming --version` in the same pseudo-terminal: Node started and the program loaded', figure: { ms: node } }];
  for (const [name, openings] of [
    ['run --paused', runs],
    ['chat', chats],
  ] as const) {
    const line = figure(openings.map((opening) => opening.firstByte));
    const frame = figure(openings.map((opening) => opening.firstFrame));
    rows.push(
      { what: `\`lemming ${name}\`, 80 × 24: its first line ("starting in …")`, storage: storage.name, figure: { ms: line }, target: atMostMs(line, 300), floor: node },
      { what: `\`lemming ${name}\`, 80 × 24: its first frame`, storage: storage.name, figure: { ms: frame }, target: atMostMs(frame, 1000, '≤ 1,000 ms on an idle machine'), floor: node },
    );
    context.log(`  ${name}: first line ${showMs(line)}, first frame ${showMs(frame)}`);
  }
  return rows;
}
