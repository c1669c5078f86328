import { readdirSync, readFileSync } from 'node:fs';
import { killQuietly } from './process-kill.js';
import { parseProcStat } from './process-liveness.js';

/*
 * The tether's watchdog (process-tether.ts), a program of its own: `node dist/process-watchdog.js`,
 * in a process group of its own. It reads lines `+PID` and `-PID` on its standard input: the pids
 * lemming holds. At the end of its input (lemming gone, however it went), it SIGKILLs what is still
 * held, each one's process group and every descendant /proc shows, then exits. It loads two small
 * modules besides itself, which import nothing of lemming's: it starts while lemming's first command
 * or program starts.
 */

process.title = 'lemming-watchdog';
// A Ctrl-C at the terminal, or the terminal closing, is for lemming: lemming ending is what the watchdog acts on.
process.on('SIGINT', () => undefined);
process.on('SIGHUP', () => undefined);

const held = new Set<number>();
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  pending += chunk;
  for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
    const line = pending.slice(0, end);
    pending = pending.slice(end + 1);
    const pid = Number(line.slice(1));
    if (!Number.isInteger(pid) || pid <= 1) continue;
    if (line[0] === '+') held.add(pid);
    else if (line[0] === '-') held.delete(pid);
  }
});
process.stdin.on('end', () => {
  if (held.size > 0) {
    const doomed = descendants([...held]);
    for (const pid of held) killQuietly(-pid);
    for (const pid of doomed) killQuietly(pid);
  }
  process.exit(0);
});

/** `roots` and every process under them, by the parents /proc gives (none where there is no /proc). */
function descendants(roots: number[]): number[] {
  const byParent = new Map<number, number[]>();
  let names: string[] = [];
  try {
    names = readdirSync('/proc');
  } catch {
    // No /proc: the groups are still killed.
  }
  for (const name of names) {
    if (!/^[0-9]+$/.test(name)) continue;
    let stat;
    try {
      stat = parseProcStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
    } catch {
      continue;
    }
    if (stat === undefined) continue;
    const children = byParent.get(stat.parent) ?? [];
    children.push(Number(name));
    byParent.set(stat.parent, children);
  }
  const found = new Set<number>();
  const queue = [...roots];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    if (found.has(pid)) continue;
    found.add(pid);
    queue.push(...(byParent.get(pid) ?? []));
  }
  return [...found];
}
