import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bench's worker (worker.ts), built beside this file. */
const worker = join(dirname(fileURLToPath(import.meta.url)), 'worker.js');

/**
 * An org of `agents` agents under `folder`, each with a letter waiting, that has run its first turn ever (as section 1
 * makes it): what a fresh process's first turn is measured on (first-turn-parts.ts, first-turn-code-cache.ts).
 */
export function orgThatHasRun(folder: string, agents: number): string {
  const job = JSON.stringify({ agents, history: 0, withMail: agents, provider: 'instant', turns: 1 });
  const env = { ...process.env, LEMMING_BENCH_DIR: folder };
  const { root } = JSON.parse(execFileSync(process.execPath, [worker, 'build', job], { encoding: 'utf8', env })) as { root: string };
  execFileSync(process.execPath, [worker, 'run', job, root], { encoding: 'utf8', env });
  return root;
}
