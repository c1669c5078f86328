import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildOrg } from '../build-org.js';
import { cli, repo, type BenchContext } from '../context.js';
import { atMostMs, type Row } from '../row.js';
import { figure, showMs, type Figure } from '../stats.js';

const RUNS = 5;

/** When a screen's first byte and its first frame reached the terminal, in ms from the start of the process. */
interface Opening {
  firstByte: number;
  firstFrame: number;
}

/**
 * How a person starts lemming: the words typed before its arguments, and the folder they are typed
 * in. `node dist/cli/main.js` is the program alone; the others are the README's ways.
 */
interface Launcher {
  name: string;
  words: string[];
  cwd: string;
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
function openScreen(args: string[], frame: string | RegExp, quit: string, launcher: Launcher = NODE): Promise<Opening> {
  const command = `stty cols 80 rows 24; printf '@'; exec ${[...launcher.words, ...args].map((word) => `'${word}'`).join(' ')}`;
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color' };
  // ink draws only the last frame when it believes it runs in CI; a person's terminal is what is measured.
  delete env.CI;
  delete env.CONTINUOUS_INTEGRATION;
  const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'ignore'], env, cwd: launcher.cwd });
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
      if (!done && (typeof frame === 'string' ? plain(shown).includes(frame) : frame.test(plain(shown)))) {
        done = true;
        clearTimeout(giveUp);
        child.stdin.write(quit);
        // A screen that does not leave at its key is stopped: what was measured is already in.
        const stop = setTimeout(() => child.kill('SIGKILL'), 5000);
        const opening = { firstByte: firstByte - started, firstFrame: now - started };
        // Resolved once it has gone: the next screen on the same org must not find its engine still holding the lock.
        child.once('exit', () => {
          clearTimeout(stop);
          resolve(opening);
        });
      }
    });
    child.once('error', reject);
  });
}

const NODE: Launcher = { name: 'node dist/cli/main.js', words: [process.execPath, cli], cwd: repo };

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
  const typed = await asTyped(context, storage.directory, root);
  rmSync(join(root, '..'), { recursive: true, force: true });
  return [...rows, ...typed];
}

/** Where a screen has settled: the run screen's row of the agent with mail, chat's transcript of the message. */
const SETTLED = { run: /manager +has mail|agent_0000 +has mail/, chat: /you: Plan the release/ };

/**
 * The screens as a person starts them with the README's ways: inside the clone `npx lemming`, and
 * the global `lemming` that `npm install -g .` links (made here under a scratch prefix, so nothing
 * of the machine's own npm changes), beside the program alone; on the default org and on 2,000
 * agents; from the moment the shell runs the typed command to the first non-empty line and to the
 * settled screen. The time npx spends before lemming's code runs is npm's, and is said as such.
 */
async function asTyped(context: BenchContext, scratch: string, small: string): Promise<Row[]> {
  const prefix = mkdtempSync(join(scratch, 'global-'));
  const linked = spawnSync('npm', ['install', '-g', '.', '--prefix', prefix, '--no-audit', '--no-fund'], { cwd: repo, encoding: 'utf8' });
  const global = join(prefix, 'bin', 'lemming');
  const launchers: Launcher[] = [NODE, { name: 'npx lemming (inside the clone)', words: ['npx', 'lemming'], cwd: repo }];
  if (linked.status === 0 && existsSync(global)) launchers.push({ name: 'lemming (npm install -g . link)', words: [global], cwd: scratch });
  else context.log(`  npm install -g . failed (${linked.stderr.trim().split('\n').pop() ?? ''}): no row for the global link`);
  const large = join(mkdtempSync(join(scratch, 'first-frame-large-')), 'org');
  buildOrg(large, { agents: 2000, history: 0, withMail: 1 });
  const orgs = [
    { name: 'the default org', root: small },
    { name: '2,000 agents', root: large },
  ];
  const rows: Row[] = [];
  for (const org of orgs) {
    const screens = [
      { name: 'run --paused', args: ['run', '--paused', '--root', org.root], settled: SETTLED.run, quit: 'q' },
      ...(org.root === small ? [{ name: 'chat', args: ['chat', '--root', org.root], settled: SETTLED.chat, quit: '\u0003' }] : []),
    ];
    for (const screen of screens) {
      const openings = new Map<string, Opening[]>(launchers.map((launcher) => [launcher.name, []]));
      // Taken in alternation, so whatever else the machine does weighs on every launcher alike.
      for (let run = 0; run < RUNS; run += 1) for (const launcher of launchers) openings.get(launcher.name)?.push(await openScreen(screen.args, screen.settled, screen.quit, launcher));
      for (const launcher of launchers) {
        const taken = openings.get(launcher.name) ?? [];
        const line = figure(taken.map((opening) => opening.firstByte));
        const settled = figure(taken.map((opening) => opening.firstFrame));
        const what = `\`${launcher.name} ${screen.name}\` on ${org.name}, as typed`;
        rows.push(
          { what: `${what}: its first non-empty line`, figure: { ms: line }, target: atMostMs(line, 1000) },
          { what: `${what}: the settled screen`, figure: { ms: settled }, target: atMostMs(settled, 3000) },
        );
        context.log(`  ${launcher.name} ${screen.name}, ${org.name}: first line ${showMs(line)}, settled ${showMs(settled)}`);
      }
    }
  }
  spawnSync('npm', ['uninstall', '-g', 'lemming', '--prefix', prefix], { cwd: scratch });
  rmSync(prefix, { recursive: true, force: true });
  rmSync(join(large, '..'), { recursive: true, force: true });
  return rows;
}
