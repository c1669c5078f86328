import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { alternateTurns, buildJobOrg, type BenchContext, type Storage } from '../context.js';
import { agentName } from '../build-org.js';
import type { Row } from '../row.js';
import { figure } from '../stats.js';

const WARM_UP = 5;
const MEASURED = 15;
const AGENTS = 4;

/** Each agent's workspace holds the small file its step reads (read_file) or prints (run_command `cat`). */
function seedNotes(root: string): void {
  for (let index = 0; index < AGENTS; index += 1) {
    const folder = join(root, 'agents', agentName(index), 'workspace');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'notes.md'), '# Notes\nWhat was done, and what is next.\n');
  }
}

/** Starting a process that does nothing, 15 times: what any command costs before any sandbox. */
function processFloor() {
  const times: number[] = [];
  for (let run = 0; run < MEASURED; run += 1) {
    const start = performance.now();
    spawnSync('/bin/true');
    times.push(performance.now() - start);
  }
  return figure(times);
}

/**
 * One run_command step against one read_file step: 4 agents that all have mail, each makes one
 * tool call (read its notes file, or `cat` it in a fresh sandbox: bwrap's namespaces and mounts,
 * prlimit, the shell) and then passes work on; the two orgs' turns taken in alternation in one
 * process. The difference, per agent, is what a command step costs over a file step.
 */
function onStorage(context: BenchContext, storage: Storage): Row[] {
  const shape = { agents: AGENTS, history: 0, withMail: AGENTS, turns: WARM_UP + MEASURED };
  const roots: [string, string] = [
    buildJobOrg({ ...shape, provider: 'read-step', tools: ['send_message', 'read_file'] }, storage),
    buildJobOrg({ ...shape, provider: 'command-step', tools: ['send_message', 'run_command'] }, storage),
  ];
  try {
    for (const root of roots) seedNotes(root);
    const result = alternateTurns({ ...shape, provider: 'read-step', secondProvider: 'command-step' }, roots, storage);
    const reading = figure(result.first.slice(WARM_UP));
    const running = figure(result.second.slice(WARM_UP));
    const perStep = (running.median - reading.median) / AGENTS;
    const floor = processFloor();
    context.log(`  ${storage.name}: N=${AGENTS}, one read_file step each: ${reading.median.toFixed(1)} ms; one run_command step each: ${running.median.toFixed(1)} ms (${perStep.toFixed(1)} ms more a step)`);
    return [
      { what: `turn, N=${AGENTS}, one read_file step each, then send`, storage: storage.name, figure: { ms: reading } },
      { what: `turn, N=${AGENTS}, one run_command step each (\`cat\` in a fresh sandbox), then send`, storage: storage.name, figure: { ms: running }, floor },
      {
        what: 'one run_command step over one read_file step, per agent (sandbox start-up included)',
        storage: storage.name,
        figure: { ms: { median: perStep, min: (running.min - reading.max) / AGENTS, max: (running.max - reading.min) / AGENTS, runs: running.runs } },
        floor,
      },
    ];
  } finally {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  }
}

/** A command step next to a file step, on the first storage (a command's cost is the sandbox's, not the disk's). */
export function commandStep(context: BenchContext): Row[] {
  const first = context.storages[0];
  return first ? onStorage(context, first) : [];
}
