import { spawnSync } from 'node:child_process';
import { CLI } from './cli.js';

/**
 * Run the built CLI as a process of its own and read its peak resident memory as the kernel counts it
 * for a child (python's getrusage of its children): a count, not a timing. Returns its exit status (as
 * text), that peak in KiB, and what it printed.
 */
export function lemmingPeakMemory(root: string, args: string[]): { status: string; maxRssKb: number; output: string } {
  const ran = spawnSync(
    'python3',
    ['-c', 'import resource, subprocess, sys\nrun = subprocess.run(sys.argv[1:], capture_output=True, text=True)\nprint(run.returncode)\nprint(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\nprint(run.stdout + run.stderr)', process.execPath, CLI, '--root', root, ...args],
    { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
  );
  const [status = '', rss = '0', ...rest] = ran.stdout.split('\n');
  return { status, maxRssKb: Number(rss), output: rest.join('\n') };
}
