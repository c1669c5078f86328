import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOrg } from './build-org.js';
import { cli } from './context.js';

/*
 * `lemming run --serve --keep-going` on N agents who all run every turn on the offline model (the
 * busiest an engine gets: nothing waits on a model), and requests to its dashboard one after another
 * while the turns run: how long each waits for its answer. Then SIGTERM in a turn, and how long the
 * process takes to be gone. Prints one JSON line: { healthz, status, stopMs } (ms).
 */

const AGENTS = Number(process.env.LEMMING_BENCH_AGENTS ?? 1000);
const TURNS = 8;
const TOKEN = 'bench-token-0123456789';

const root = mkdtempSync(join(process.env.LEMMING_BENCH_DIR ?? '.', 'busy-dashboard-'));
buildOrg(root, { agents: AGENTS, history: 0, withMail: AGENTS });
for (const name of readdirSync(join(root, 'agents'))) {
  const resume = join(root, 'agents', name, 'resume.md');
  writeFileSync(resume, readFileSync(resume, 'utf8').replace(/^credits: (.*)$/m, 'credits: $1\nschedule: { every: 1 }'));
}

const child = spawn(process.execPath, [cli, '--root', root, 'run', '--serve', '--port', '0', '--keep-going', '--turns', String(TURNS + 2), '--plain'], {
  env: { ...process.env, LEMMING_TOKEN: TOKEN, NO_COLOR: '1' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let output = '';
const waiters: Array<() => void> = [];
child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
  output += chunk;
  for (const wake of waiters.splice(0)) wake();
});
child.stderr.resume();
const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
const until = (pattern: RegExp): Promise<void> =>
  new Promise((resolve) => {
    const check = (): void => (pattern.test(output) ? resolve() : void waiters.push(check));
    check();
  });

async function timed(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { headers: { Authorization: `Bearer ${TOKEN}` } });
  await response.arrayBuffer();
  return performance.now() - started;
}

await until(/dashboard: http:\/\/127\.0\.0\.1:\d+\//);
const base = /dashboard: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1] as string;
// The first turn done: from here every turn calls every agent.
await until(/\[turn \d+\] done/);
const healthz: number[] = [];
const status: number[] = [];
const busy = (): boolean => (output.match(/\[turn \d+\] done/g) ?? []).length < TURNS;
while (busy()) {
  healthz.push(await timed(`${base}/healthz`));
  status.push(await timed(`${base}/api/status`));
}
// A stop in the middle of a busy turn.
await until(new RegExp(`\\[turn \\d+\\] ${AGENTS} agent\\(s\\) at work`));
const stopping = performance.now();
child.kill('SIGTERM');
await exited;
const stopMs = performance.now() - stopping;
rmSync(root, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ agents: AGENTS, healthz, status, stopMs })}\n`);
