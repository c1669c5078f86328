import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine as OpenEngine } from '../src/engine/engine.js';
import type { TurnStats } from '../src/engine/events.js';
import { emptyStats } from '../src/engine/run-totals.js';
import type { Provider } from '../src/providers/provider.js';
import { keepHeapSmall } from '../src/heap-settings.js';
import type { OrgShape } from './build-org.js';

/** One benchmark job, run in a process of its own so its peak RSS is its own. */
export interface Job extends OrgShape {
  /**
   * `tool-step`: each agent writes a file in one step, then passes work on in a second;
   * `read-step` reads one, `command-step` runs `cat` on it in the sandbox (run_command).
   */
  provider: 'instant' | 'slow' | 'offline' | 'tool-step' | 'read-step' | 'command-step';
  delayMs?: number;
  turns: number;
  /** In an `alternate` job: the second org's model, when not the first's (the tool-step row). */
  secondProvider?: Job['provider'];
  /**
   * Time `turns` runs of this many turns each, not turns alone (a figure is a run's time over its
   * turns): a run looks for hand edits before its first turn and waits for its last turn's history
   * entry after it, when the org keeps one, so a run's background work is all in its own time.
   */
  turnsPerRun?: number;
}

/** What a `run` job measured: every turn, the first one (a fresh process's) included. */
export interface JobResult {
  turnMs: number[];
  called: number[];
  /** Opening the engine: the lock, loading the org, repairing the record. */
  openMs: number;
  peakRssMb: number;
}

/** What a `memory` job measured of each of the first agents of an org that keeps memory streams (bench/sections/memory.ts). */
export interface MemoryProbe {
  /** The first retrieval of each agent in this process: its stream read from its files, or from the index an earlier process saved. */
  firstMs: number[];
  /** Each later retrieval, for other mail. */
  laterMs: number[];
  /** A later retrieval for a prompt of twenty messages: a ranking each, merged (memory-layer.ts, recallFor). */
  twentyMs: number[];
  /** Estimated tokens of each agent's prompt with its memories, and of the same prompt without them. */
  withTokens: number[];
  withoutTokens: number[];
  /** Estimated tokens of the memories shown (the section as the prompt holds it). */
  sectionTokens: number[];
  /** Memories each agent's stream holds, and how many its prompt shows. */
  held: number[];
  shown: number[];
  budgetTokens: number;
}

/** What an `alternate` job measured: the turns of two orgs, taken one after the other in one process. */
export interface AlternateResult {
  first: number[];
  second: number[];
  /**
   * The CPU of each timed span (a run, or a turn), per turn, in ms: this process's (`self`: the engine and
   * its threads) and its child processes' (`children`: git), so a comparison holds on a machine whose
   * other work moves the wall times.
   */
  firstCpu: CpuSpent[];
  secondCpu: CpuSpent[];
  /** In runs (`turnsPerRun`): each run's time from its last turn's end to its own, in ms (its wait for the history's last entries). */
  firstEndMs: number[];
  secondEndMs: number[];
  called: [number, number];
  peakRssMb: number;
}

/** Build the job's org in a fresh folder and return it (its own process, so its memory is not counted). */
function buildJob(job: Job): { root: string; buildMs: number } {
  const root = mkdtempSync(join(process.env.LEMMING_BENCH_DIR ?? tmpdir(), 'lemming-bench-'));
  const buildStart = performance.now();
  buildOrg(root, job);
  return { root, buildMs: performance.now() - buildStart };
}

const STEP_TOOLS: Partial<Record<Job['provider'], 'write_file' | 'read_file' | 'run_command'>> = {
  'tool-step': 'write_file',
  'read-step': 'read_file',
  'command-step': 'run_command',
};

function openEngine(job: Job, root: string): OpenEngine {
  const names = Array.from({ length: job.agents }, (_, index) => agentName(index));
  const provider: Provider =
    job.provider === 'offline'
      ? new OfflineProvider()
      : new NextAgentProvider(
          names,
          job.provider === 'slow' ? (job.delayMs ?? 200) : 0,
          STEP_TOOLS[job.provider],
          job.listSize === undefined ? undefined : new Map(names.map((name, index) => [name, listOf(index, job.listSize as number)])),
        );
  return Engine.open({ root, providerFactory: () => provider, command: 'bench' });
}

/** CPU spent, in ms: this process's, and its child processes' (those it has waited for, and those still running). */
export interface CpuSpent {
  self: number;
  children: number;
}

/** Clock ticks a second, as /proc counts them (USER_HZ: 100 on Linux). */
const TICK_MS = 10;

/** The CPU this process and its children have spent so far (Linux: /proc; elsewhere its own only). */
function cpuSoFar(): CpuSpent {
  const usage = process.cpuUsage();
  const self = (usage.user + usage.system) / 1000;
  let children = 0;
  try {
    // After the command's name (in parentheses, which may hold spaces): fields 3 onwards; cutime and cstime are the 16th and 17th.
    const fields = (text: string): string[] => text.slice(text.lastIndexOf(')') + 2).split(' ');
    const own = fields(readFileSync('/proc/self/stat', 'utf8'));
    children += (Number(own[13]) + Number(own[14])) * TICK_MS;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string[];
      try {
        stat = fields(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        continue;
      }
      if (Number(stat[1]) === process.pid) children += (Number(stat[11]) + Number(stat[12])) * TICK_MS;
    }
  } catch {
    // No /proc: this process's CPU only.
  }
  return { self, children };
}

async function timeTurn(engine: OpenEngine, turnsPerRun?: number): Promise<{ ms: number; called: number; cpu: CpuSpent; endMs: number }> {
  const cpuBefore = cpuSoFar();
  const result: { stats: TurnStats } = { stats: emptyStats() };
  const start = performance.now();
  let lastTurnEnd = start;
  if (turnsPerRun !== undefined) {
    for await (const event of engine.run({ maxTurns: turnsPerRun, stopWhenIdle: false })) {
      if (event.type === 'turn-finished') {
        result.stats = event.stats;
        lastTurnEnd = performance.now();
      }
      // A history not written would make the kept org's turns look cheap: the bench stops instead.
      if (event.type === 'warning' && event.file?.startsWith('org/state/history')) throw new Error(`${event.file}: ${event.message}`);
    }
  } else {
    for await (const event of engine.turn(result)) void event;
  }
  const end = performance.now();
  const ms = (end - start) / (turnsPerRun ?? 1);
  const cpuAfter = cpuSoFar();
  const cpu = { self: (cpuAfter.self - cpuBefore.self) / (turnsPerRun ?? 1), children: (cpuAfter.children - cpuBefore.children) / (turnsPerRun ?? 1) };
  return { ms, called: result.stats.called, cpu, endMs: turnsPerRun === undefined ? 0 : end - lastTurnEnd };
}

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

async function runJob(job: Job, root: string): Promise<JobResult> {
  const openStart = performance.now();
  const engine = openEngine(job, root);
  const openMs = performance.now() - openStart;
  const turnMs: number[] = [];
  const called: number[] = [];
  try {
    for (let index = 0; index < job.turns; index += 1) {
      const turn = await timeTurn(engine, job.turnsPerRun);
      turnMs.push(turn.ms);
      called.push(turn.called);
    }
  } finally {
    engine.close();
  }
  return { turnMs, called, openMs, peakRssMb: peakRssMb() };
}

/** Retrieval and prompt size for the first agents of an org that keeps memory streams, in this process (its first look at each). */
async function memoryJob(job: Job, root: string, agents = 20): Promise<MemoryProbe> {
  const { loadOrg } = await import('../src/org/load-org-once.js');
  const { memoryLayerFor, prepareCall } = await import('../src/engine/turn/prepare-call.js');
  const { loadState } = await import('../src/engine/record/state-store.js');
  const { estimateInputTokens } = await import('../src/providers/request-tokens.js');
  const { estimateTokens } = await import('../src/providers/token-estimate.js');
  const org = loadOrg(root).org;
  const layer = await memoryLayerFor(org);
  if (!layer) throw new Error(`${root}: no agent keeps a memory stream`);
  const state = loadState(join(root, 'org', 'state', 'engine.json'));
  const turn = state.turn + 1;
  const probe: MemoryProbe = { firstMs: [], laterMs: [], twentyMs: [], withTokens: [], withoutTokens: [], sectionTokens: [], held: [], shown: [], budgetTokens: 0 };
  const questions = ['What do we know about the budget?', 'Where is the ferry timetable?', 'Who asked about the vault?', 'Plan the launch', 'Update the roadmap'];
  for (const name of Array.from({ length: Math.min(agents, job.agents) }, (_, index) => agentName(index))) {
    const agent = org.agents.get(name);
    if (!agent?.memory) continue;
    probe.budgetTokens = agent.memory.budgetTokens;
    const start = performance.now();
    const recalled = layer.recallFor(root, name, agent.memory, turn, ['Your turn: take the task on.']);
    probe.firstMs.push(performance.now() - start);
    probe.held.push(recalled.total);
    for (const question of questions) {
      const later = performance.now();
      layer.recallFor(root, name, agent.memory, turn, [question]);
      probe.laterMs.push(performance.now() - later);
    }
    const twenty = Array.from({ length: 20 }, (_, index) => `${questions[index % questions.length]} (${index + 1})`);
    const busy = performance.now();
    layer.recallFor(root, name, agent.memory, turn, twenty);
    probe.twentyMs.push(performance.now() - busy);
    const mail = state.pending.filter((item) => item.to === name);
    const withMemory = prepareCall(root, org, name, 'mail', mail, turn, { memory: layer }).prompt.request;
    const without = prepareCall(root, org, name, 'mail', mail, turn, { memory: null }).prompt.request;
    probe.withTokens.push(estimateInputTokens(withMemory));
    probe.withoutTokens.push(estimateInputTokens(without));
    const content = withMemory.messages[0]?.content ?? '';
    const section = content.slice(content.indexOf('What you remember'), content.lastIndexOf('</recalled>') + '</recalled>'.length);
    probe.sectionTokens.push(estimateTokens(section));
    probe.shown.push((section.match(/<recalled /g) ?? []).length);
  }
  return probe;
}

/** Turns of two orgs in alternation, so whatever else the machine does weighs on both alike. */
async function alternateJob(job: Job, roots: [string, string]): Promise<AlternateResult> {
  const engines = [openEngine(job, roots[0]), openEngine({ ...job, provider: job.secondProvider ?? job.provider }, roots[1])] as const;
  const times: [number[], number[]] = [[], []];
  const cpus: [CpuSpent[], CpuSpent[]] = [[], []];
  const ends: [number[], number[]] = [[], []];
  const called: [number, number] = [0, 0];
  try {
    for (let index = 0; index < job.turns; index += 1) {
      for (const which of [0, 1] as const) {
        const turn = await timeTurn(engines[which], job.turnsPerRun);
        times[which].push(turn.ms);
        cpus[which].push(turn.cpu);
        ends[which].push(turn.endMs);
        called[which] = turn.called;
      }
    }
  } finally {
    for (const engine of engines) engine.close();
  }
  return { first: times[0], second: times[1], firstCpu: cpus[0], secondCpu: cpus[1], firstEndMs: ends[0], secondEndMs: ends[1], called, peakRssMb: peakRssMb() };
}

const [mode, jobText, ...roots] = process.argv.slice(2);
const job = JSON.parse(jobText ?? '{}') as Job;
// Turns run in this process as `lemming run` runs them, with the same heap settings, set as it sets
// them before the engine's modules load (src/cli/program.ts): compiling them grows V8's young
// generation past what keepHeapSmall keeps, and it never shrinks.
if (mode !== 'build') await keepHeapSmall(job.agents);
const { Engine } = await import('../src/engine/engine.js');
const { OfflineProvider } = await import('../src/providers/offline/offline-provider.js');
const { NextAgentProvider } = await import('./bench-providers.js');
const { agentName, buildOrg, listOf } = await import('./build-org.js');
const work =
  mode === 'build'
    ? Promise.resolve(buildJob(job))
    : mode === 'modules'
      ? // The memory floor: this process with the engine's modules loaded, and no org opened.
        Promise.resolve({ peakRssMb: peakRssMb() })
    : mode === 'alternate'
      ? alternateJob(job, [roots[0] ?? '', roots[1] ?? ''])
      : mode === 'memory'
        ? memoryJob(job, roots[0] ?? '')
        : runJob(job, roots[0] ?? '');
work.then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
