import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** A side of the peers section running in a process of its own, its step ends timed as its lines arrive. */
export interface SideRun {
  child: ChildProcess;
  /** performance.now() as each line `isStepEnd` picks out arrived. */
  stepEnds: number[];
  /** The process's CPU time (user and system, every thread) in ms as each of those lines arrived: see processCpuMs. */
  stepCpuMs: number[];
  /** Every JSON line the process printed. */
  lines: unknown[];
  /** The exit: code (null when killed), the process's peak RSS (when it exited by itself), its standard error. */
  done: Promise<{ code: number | null; peakRssMb?: number; stderr: string }>;
}

/**
 * Loaded into a side's process with `node --import`: at exit it writes the process's peak RSS in MB to
 * the file LEMMING_PEAK_RSS_FILE names, so lemming's CLI is measured as it is, with nothing of the
 * bench's inside it but this.
 */
const peakRss =
  "data:text/javascript,import{writeFileSync}from'node:fs';const file=process.env.LEMMING_PEAK_RSS_FILE;if(file)process.on('exit',()=>writeFileSync(file,String(process.resourceUsage().maxRSS/1024)))";

/** Start `node <args>` with the peak-RSS hook; `isStepEnd` says which printed JSON lines end a step. */
export function startSide(args: string[], env: NodeJS.ProcessEnv, isStepEnd: (line: unknown) => boolean, scratch: string): SideRun {
  const rssFile = join(scratch, `peak-rss-${process.hrtime.bigint()}`);
  const child = spawn(process.execPath, ['--import', peakRss, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env, LEMMING_PEAK_RSS_FILE: rssFile } });
  const run: Omit<SideRun, 'done'> = { child, stepEnds: [], stepCpuMs: [], lines: [] };
  let pending = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    let end = pending.indexOf('\n');
    while (end >= 0) {
      const text = pending.slice(0, end);
      pending = pending.slice(end + 1);
      end = pending.indexOf('\n');
      if (!text.startsWith('{')) continue;
      const line = JSON.parse(text) as unknown;
      run.lines.push(line);
      if (isStepEnd(line)) {
        run.stepEnds.push(performance.now());
        const cpu = child.pid === undefined ? undefined : processCpuMs(child.pid);
        if (cpu !== undefined) run.stepCpuMs.push(cpu);
      }
    }
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<{ code: number | null; peakRssMb?: number; stderr: string }>((resolve) =>
    child.on('close', (code) => {
      const peakRssMb = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : undefined;
      rmSync(rssFile, { force: true });
      resolve({ code, stderr, ...(peakRssMb === undefined ? {} : { peakRssMb }) });
    }),
  );
  return { ...run, done };
}

/** Wait for a side to end by itself; a failure says what it printed on standard error. */
export async function finished(run: SideRun, what: string): Promise<{ peakRssMb: number }> {
  const { code, peakRssMb, stderr } = await run.done;
  if (code !== 0) throw new Error(`${what} exited ${code}: ${stderr.slice(-2000)}`);
  return { peakRssMb: peakRssMb ?? 0 };
}

/** The kernel's clock ticks a second, in which /proc/<pid>/stat counts CPU time. */
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * The CPU time a running process has had, user and system, all its threads (/proc/<pid>/stat's
 * utime and stime), in ms; undefined once it has gone. What a step costs the machine, which the
 * wall time between two steps shows only on a machine with nothing else to do.
 */
export function processCpuMs(pid: number): number | undefined {
  try {
    // The fields after the command's name, which is in parentheses and may hold spaces.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Each step after the first (the process's start and first step): the time, or the CPU time, between one step's end and the next's. */
export function stepsAfterFirst(stepEnds: readonly number[]): number[] {
  return stepEnds.slice(1).map((end, index) => end - (stepEnds[index] as number));
}
