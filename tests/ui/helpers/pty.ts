import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './temp-org.js';
import { PATIENCE_MS, plainText, waitFor } from './wait.js';

/** util-linux `script` gives the CLI a real pseudo-terminal, which ink needs for raw-mode keys. */
export const HAS_SCRIPT = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

const CLI = join(REPO, 'dist', 'cli', 'main.js');

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The built CLI running in a terminal of a fixed size, its screen read as text. */
export class TerminalSession {
  private rawText = '';
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(args: string[], options: { cols?: number; rows?: number; env?: Record<string, string>; stdinFromPipe?: boolean } = {}) {
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color', FORCE_COLOR: '0', ...options.env };
    // ink draws only the last frame when it believes it runs in CI; a person's terminal is what is tested here.
    delete env.CI;
    delete env.CONTINUOUS_INTEGRATION;
    const node = `node ${[CLI, ...args].map(shellQuote).join(' ')}`;
    // Standard output stays the terminal; standard input can be made a pipe, as in `echo | lemming run`.
    const command = `stty cols ${options.cols ?? 120} rows ${options.rows ?? 40}; ${options.stdinFromPipe ? `echo | ${node}` : `exec ${node}`}`;
    this.child = spawn('script', ['-qfec', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (data: Buffer) => (this.rawText += data.toString('utf8')));
    this.child.stderr?.on('data', (data: Buffer) => (this.rawText += data.toString('utf8')));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Everything the terminal has shown so far, as text: every frame, one after another. */
  text(): string {
    return plainText(this.rawText);
  }

  /** Everything the terminal was sent, escapes and all. */
  raw(): string {
    return this.rawText;
  }

  /** A mark in the output: `waitFor(..., mark)` only looks at what came after it. */
  mark(): number {
    return this.text().length;
  }

  async waitFor(pattern: string | RegExp, since = 0, timeoutMs = PATIENCE_MS): Promise<void> {
    const found = (): boolean => {
      const shown = this.text().slice(since);
      return typeof pattern === 'string' ? shown.includes(pattern) : pattern.test(shown);
    };
    await waitFor(found, () => `${String(pattern)} not shown; the terminal showed:\n${this.text().slice(-3000)}`, timeoutMs);
  }

  /** Keys, exactly as a terminal sends them ("\r" is Enter). */
  press(keys: string): void {
    this.child.stdin?.write(keys);
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
