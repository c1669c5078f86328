import { lstatSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { folderUsage } from '../../src/sandbox/disk-usage.js';
import { agentName } from '../build-org.js';
import { alternateTurns, buildJobOrg, type BenchContext, type Storage } from '../context.js';
import type { Row } from '../row.js';
import { figure } from '../stats.js';

/** The workspace every figure here is of: 1,000 folders of 99 small files, 100,000 entries (the default max_files). */
const FOLDERS = 1000;
const FILES_PER_FOLDER = 99;
const MEASUREMENTS = 7;
const WARM_UP = 2;
const MEASURED = 7;

/** Fill `folder` with the workspace of 100,000 files. */
function bigWorkspace(folder: string): void {
  for (let index = 0; index < FOLDERS; index += 1) {
    const inner = join(folder, `part-${String(index).padStart(4, '0')}`);
    mkdirSync(inner, { recursive: true });
    for (let file = 0; file < FILES_PER_FOLDER; file += 1) writeFileSync(join(inner, `file-${file}.txt`), `line ${file}\n`);
  }
}

/** The floor of a measurement: plain Node listing every folder and lstat-ing every entry by its path, no bound, no descriptor held. */
function plainWalk(folder: string): number {
  let blocks = 0;
  for (const name of readdirSync(folder)) {
    const stat = lstatSync(join(folder, name));
    blocks += stat.blocks;
    if (stat.isDirectory()) blocks += plainWalk(join(folder, name));
  }
  return blocks;
}

async function timed(work: () => unknown | Promise<unknown>, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return times;
}

/** Each agent's workspace holds the file its step reads (`cat` through run_command). */
function seedNotes(root: string, agents: number): void {
  for (let index = 0; index < agents; index += 1) {
    const folder = join(root, 'agents', agentName(index), 'workspace');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'notes.md'), '# Notes\n');
  }
}

async function onStorage(context: BenchContext, storage: Storage): Promise<Row[]> {
  const rows: Row[] = [];
  const scratch = join(storage.directory, `walked-${process.pid}`);
  const workspace = join(scratch, 'workspace');
  bigWorkspace(workspace);
  try {
    const measure = figure(await timed(() => folderUsage(workspace, { clearSetId: true, limits: { disk_mb: 1024, max_files: 200_000 } }), MEASUREMENTS));
    const floor = figure(await timed(() => plainWalk(workspace), MEASUREMENTS));
    context.log(`  ${storage.name}: the quota's measurement of 100,000 files ${measure.median.toFixed(0)} ms; a plain walk ${floor.median.toFixed(0)} ms`);
    rows.push({ what: "the disk quota's measurement of a workspace of 100,000 files (the one walker: held folders, bounds, setuid bits cleared, the event loop given a turn every 2,000 entries)", storage: storage.name, figure: { ms: measure }, floor });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  // A command's step in a workspace of 100,000 files against one in an empty workspace: the quota measures before and after.
  const command = { agents: 1, history: 0, withMail: 1, turns: WARM_UP + MEASURED, provider: 'command-step' as const, tools: ['send_message', 'run_command'] };
  const commandRoots: [string, string] = [buildJobOrg(command, storage), buildJobOrg(command, storage)];
  try {
    for (const root of commandRoots) seedNotes(root, 1);
    bigWorkspace(join(commandRoots[1], 'agents', agentName(0), 'workspace'));
    const result = alternateTurns(command, commandRoots, storage);
    const empty = figure(result.first.slice(WARM_UP));
    const full = figure(result.second.slice(WARM_UP));
    context.log(`  ${storage.name}: a run_command step, empty workspace ${empty.median.toFixed(0)} ms, 100,000 files ${full.median.toFixed(0)} ms`);
    rows.push({ what: 'turn, one agent, one run_command step (`cat`), its workspace nearly empty', storage: storage.name, figure: { ms: empty } });
    rows.push({ what: 'the same, its workspace holding 100,000 files (measured before and after the command)', storage: storage.name, figure: { ms: full } });
  } finally {
    for (const root of commandRoots) rmSync(root, { recursive: true, force: true });
  }

  // The history of an org one of whose agents' workspaces holds 100,000 files it does not touch: runs of 4 turns.
  const kept = { agents: 20, history: 0, withMail: 20, turns: 1 + 4, turnsPerRun: 4, provider: 'instant' as const, keepHistory: true };
  const historyRoots: [string, string] = [buildJobOrg(kept, storage), buildJobOrg(kept, storage)];
  try {
    bigWorkspace(join(historyRoots[1], 'agents', agentName(0), 'workspace'));
    const result = alternateTurns(kept, historyRoots, storage);
    const plain = figure(result.first.slice(1));
    const big = figure(result.second.slice(1));
    context.log(`  ${storage.name}: history kept, 20 agents: ${plain.median.toFixed(0)} ms a turn; with 100,000 files in one workspace ${big.median.toFixed(0)} ms`);
    rows.push({ what: 'steady turn, 20 agents, history kept (runs of 4 turns: the first entry of each run walks the org whole)', storage: storage.name, figure: { ms: plain } });
    rows.push({ what: 'the same, one workspace holding 100,000 files the turns do not touch', storage: storage.name, figure: { ms: big } });
  } finally {
    for (const root of historyRoots) rmSync(root, { recursive: true, force: true });
  }
  return rows;
}

/**
 * What the one bounded walker of what agents wrote costs where it matters most: the disk quota's
 * measurement of a workspace of 100,000 files against a plain walk, a command's step in such a
 * workspace against one in an empty one, and the steady turn of an org that keeps its history with
 * such a workspace against one without. On the first storage.
 */
export function walkedWorkspaces(context: BenchContext): Promise<Row[]> {
  const first = context.storages[0];
  return first ? onStorage(context, first) : Promise.resolve([]);
}
