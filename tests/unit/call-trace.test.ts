import { readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, test } from 'vitest';
import { NextAgentProvider } from '../../bench/bench-providers.js';
import { agentName, buildOrg } from '../../bench/build-org.js';
import { formatTrace } from '../../src/cli/commands/trace.js';
import { Engine } from '../../src/engine/engine.js';
import { listTraceTurns, readCallTrace, storedTrace, type CallTrace } from '../../src/engine/record/call-trace.js';
import { THREAD_AFTER } from '../../src/engine/record/trace-writer.js';
import { buildPrompt } from '../../src/engine/turn/build-prompt.js';
import { LemmingError } from '../../src/errors.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import type { Provider, ProviderRequest, ProviderResponse } from '../../src/providers/provider.js';
import { lemming } from '../helpers/cli.js';
import { tempDir, write } from '../helpers/org-files.js';

/** The bench's model (each agent passes work to the next, so every agent is called every turn), keeping what it was asked and answered. */
class KeepingProvider implements Provider {
  readonly calls = new Map<string, { request: ProviderRequest; response: ProviderResponse }>();
  private readonly inner: NextAgentProvider;

  constructor(agents: number) {
    this.inner = new NextAgentProvider(Array.from({ length: agents }, (_, index) => agentName(index)));
  }

  async generate(request: ProviderRequest): Promise<ProviderResponse> {
    const response = await this.inner.generate(request);
    this.calls.set(`${request.agent}:${request.turn}`, { request, response });
    return response;
  }
}

/** An org of `agents` who may all write to each other, keeping `keep` traces each. */
function tracedOrg(agents: number, keep: number): string {
  const root = tempDir();
  buildOrg(root, { agents, history: 0, withMail: agents, traces: keep });
  return root;
}

async function runTurns(root: string, provider: Provider, turns: number): Promise<void> {
  const engine = Engine.open({ root, providerFactory: () => provider, command: 'test' });
  try {
    for (let turn = 0; turn < turns; turn += 1) for await (const event of engine.turn()) void event;
  } finally {
    engine.close();
  }
}

/** The trace as it was before parts: everything the model was given, whole. */
function wholeTrace(call: { request: ProviderRequest; response: ProviderResponse }, at: string): CallTrace {
  const { request, response } = call;
  return {
    agent: request.agent,
    turn: request.turn,
    at,
    modelKey: request.modelKey,
    model: request.model,
    request: { system: request.system, messages: request.messages, tools: request.tools, ...(request.creditsLeft === undefined ? {} : { creditsLeft: request.creditsLeft }) },
    response,
  };
}

const tracesFolder = (root: string, agent: string) => join(root, 'agents', agent, 'logs', 'traces');
const partsOf = (root: string, agent: string) => readdirSync(join(tracesFolder(root, agent), 'parts')).sort();
/** The part holding the org's list of everyone, in an agent's parts/. */
const listPart = (root: string, agent: string) => partsOf(root, agent).find((name) => readFileSync(join(tracesFolder(root, agent), 'parts', name), 'utf8').startsWith('You may write to everyone'));
const traceFile = (root: string, agent: string, turn: number) => join(tracesFolder(root, agent), `${String(turn).padStart(6, '0')}.json`);

function readError(root: string, agent: string, turn: number): string {
  try {
    readCallTrace(root, agent, turn);
  } catch (error) {
    expect(error).toBeInstanceOf(LemmingError);
    return (error as Error).message;
  }
  throw new Error('the trace was read without an error');
}

describe('call traces with the list of everyone kept once', () => {
  test('each trace reads back as exactly what the model was given, and lemming trace prints it as a whole trace would be printed', async () => {
    const root = tracedOrg(40, 2);
    const provider = new KeepingProvider(40);
    await runTurns(root, provider, 3);
    for (const agent of ['agent_0000', 'agent_0021', 'agent_0039']) {
      const turns = listTraceTurns(root, agent);
      expect(turns).toHaveLength(2);
      const turn = turns[1] as number;
      const trace = readCallTrace(root, agent, turn) as CallTrace;
      const asked = provider.calls.get(`${agent}:${turn}`);
      if (!asked) throw new Error(`${agent} was not asked at turn ${turn}`);
      const whole = wholeTrace(asked, trace.at);
      expect(trace).toEqual(whole);
      expect(trace.request.system).toContain('agent_0000, agent_0001, agent_0002');
      expect(formatTrace(trace)).toEqual(formatTrace(whole));
      // The file itself holds neither the list, nor the closing instructions, nor the tools: it points at them.
      const file = readFileSync(traceFile(root, agent, turn), 'utf8');
      expect(file).not.toContain('agent_0000, agent_0001');
      expect(file).not.toContain('You act only through your tools');
      expect(file).not.toContain('Send a message to another agent');
      expect(file).toMatch(/"file": "parts\/[0-9a-f]{32}\.txt"/);
    }
  });

  test('the list is written once for all N agents: every agent’s parts/ holds the same file, and each trace file is smaller than the list', async () => {
    // More calls in a turn than THREAD_AFTER: the rest of the turn's traces are written by a thread, and are all there when the turn ends.
    const agents = THREAD_AFTER + 44;
    const root = tracedOrg(agents, 2);
    const provider = new KeepingProvider(agents);
    const engine = Engine.open({ root, providerFactory: () => provider, command: 'test' });
    const traceFiles = () => Array.from({ length: agents }, (_, index) => listTraceTurns(root, agentName(index)).length).reduce((sum, count) => sum + count, 0);
    try {
      for (const expected of [agents, agents * 2, agents * 2]) {
        for await (const event of engine.turn()) void event;
        expect(traceFiles()).toBe(expected);
      }
    } finally {
      engine.close();
    }
    const inodes = new Map<string, Set<number>>();
    let traceBytes = 0;
    for (let index = 0; index < agents; index += 1) {
      const agent = agentName(index);
      for (const name of partsOf(root, agent)) {
        if (!inodes.has(name)) inodes.set(name, new Set());
        inodes.get(name)?.add(statSync(join(tracesFolder(root, agent), 'parts', name)).ino);
      }
      for (const turn of listTraceTurns(root, agent)) traceBytes += statSync(traceFile(root, agent, turn)).size;
    }
    // Three parts (the list of everyone, the closing instructions, the tools), each one file on disk shared by every agent's folder.
    expect([...inodes.values()].map((set) => set.size)).toEqual([1, 1, 1]);
    const list = listPart(root, 'agent_0000') as string;
    const listBytes = statSync(join(tracesFolder(root, 'agent_0000'), 'parts', list)).size;
    expect(listBytes).toBeGreaterThan(agents * 12);
    expect(traceBytes / (agents * 2)).toBeLessThan(listBytes);
    // The last agents' traces went through the thread: they read back as the model was asked.
    const last = agentName(agents - 1);
    const turn = listTraceTurns(root, last)[1] as number;
    const trace = readCallTrace(root, last, turn) as CallTrace;
    expect(trace).toEqual(wholeTrace(provider.calls.get(`${last}:${turn}`) as { request: ProviderRequest; response: ProviderResponse }, trace.at));
  });

  test('a part no kept trace refers to is removed, also when the traces that used it were written by an earlier run', async () => {
    const root = tracedOrg(12, 2);
    await runTurns(root, new KeepingProvider(12), 1);
    const oldList = listPart(root, 'agent_0003') as string;
    // A hire: the list of everyone changes, so the next prompts hold a new one.
    write(root, 'org/chart.yaml', `${readFileSync(join(root, 'org', 'chart.yaml'), 'utf8')}  newcomer:\n    send_to: ["*"]\n    read_from: ["*"]\n`);
    write(root, 'agents/newcomer/resume.md', '---\ntitle: Newcomer\nmodel: bench\ncredits: 100\n---\nHelp out.\n');
    // The next run does not read what the first run's traces refer to: it keeps every part it found until they are pruned.
    const engine = Engine.open({ root, providerFactory: () => new KeepingProvider(12), command: 'test' });
    try {
      for await (const event of engine.turn()) void event;
      expect(partsOf(root, 'agent_0003')).toContain(oldList);
      for await (const event of engine.turn()) void event;
    } finally {
      engine.close();
    }
    for (const agent of ['agent_0000', 'agent_0003', 'agent_0011']) {
      const parts = partsOf(root, agent);
      expect(parts).not.toContain(oldList);
      expect(parts).toHaveLength(3);
      expect(listPart(root, agent)).not.toBe(oldList);
      const turns = listTraceTurns(root, agent);
      expect(turns).toHaveLength(2);
      for (const turn of turns) expect(readCallTrace(root, agent, turn)?.request.system).toContain('newcomer');
    }
  });

  test('a trace written whole, before parts, still reads, and is pruned like the others', async () => {
    const root = tracedOrg(6, 2);
    const provider = new KeepingProvider(6);
    await runTurns(root, provider, 1);
    const [turn] = listTraceTurns(root, 'agent_0002');
    const asked = provider.calls.get(`agent_0002:${turn}`);
    if (!asked || turn === undefined) throw new Error('agent_0002 was not traced');
    const whole = wholeTrace(asked, '2026-01-01T00:00:00.000Z');
    writeFileSync(traceFile(root, 'agent_0002', turn), `${JSON.stringify(whole, null, 2)}\n`);
    expect(readCallTrace(root, 'agent_0002', turn)).toEqual(whole);
    await runTurns(root, provider, 2);
    expect(listTraceTurns(root, 'agent_0002')).toEqual([turn + 1, turn + 2]);
  });

  test('a missing part is reported naming the file, by readCallTrace and by lemming trace', async () => {
    const root = tracedOrg(8, 3);
    await runTurns(root, new KeepingProvider(8), 1);
    const [turn] = listTraceTurns(root, 'agent_0004');
    const list = listPart(root, 'agent_0004');
    if (turn === undefined || list === undefined) throw new Error('agent_0004 has no trace with a part');
    unlinkSync(join(tracesFolder(root, 'agent_0004'), 'parts', list));
    const expected = `agents/agent_0004/logs/traces/parts/${list} is missing: agents/agent_0004/logs/traces/${String(turn).padStart(6, '0')}.json refers to it`;
    expect(readError(root, 'agent_0004', turn)).toContain(expected);
    const cli = lemming(root, ['trace', 'agent_0004']);
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain(expected);
    expect(cli.stdout).toBe('');
    // The other agents' traces are untouched.
    expect(readCallTrace(root, 'agent_0005', turn)?.request.system).toContain('agent_0007');
  });

  test('a part edited by hand is reported, not shown as if the model had seen it; the next run puts it right', async () => {
    const root = tracedOrg(8, 3);
    const provider = new KeepingProvider(8);
    await runTurns(root, provider, 1);
    const [turn] = listTraceTurns(root, 'agent_0001');
    const list = listPart(root, 'agent_0001');
    if (turn === undefined || list === undefined) throw new Error('agent_0001 has no trace with a part');
    const file = join(tracesFolder(root, 'agent_0001'), 'parts', list);
    writeFileSync(file, readFileSync(file, 'utf8').replace('agent_0003', 'agent_9999'));
    expect(readError(root, 'agent_0001', turn)).toContain(`agents/agent_0001/logs/traces/parts/${list} was changed after agents/agent_0001/logs/traces/${String(turn).padStart(6, '0')}.json was written`);
    const asked = provider.calls.get(`agent_0001:${turn}`);
    if (!asked) throw new Error('agent_0001 was not asked');
    await runTurns(root, provider, 1);
    expect(partsOf(root, 'agent_0001').filter((name) => name.endsWith('.tmp'))).toEqual([]);
    const healed = readCallTrace(root, 'agent_0001', turn) as CallTrace;
    expect(healed).toEqual(wholeTrace(asked, healed.at));
  });
});

test('keeping a trace leaves the prompts as they were: no request ends up holding its own copy of the list of everyone', () => {
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as () => void;
  const root = tempDir();
  buildOrg(root, { agents: 4000, history: 0, withMail: 0 });
  const { org } = loadOrg(root);
  const built = [...org.agents.values()].slice(0, 1500).map((agent) => buildPrompt({ org, agent, modelKey: agent.models[0] ?? '', turn: 1, inbox: [], memory: new Map(), reason: 'schedule' }));
  const response = { text: '', toolCalls: [], usage: { inputTokens: 1, outputTokens: 1, estimated: false }, modelKey: 'bench' };
  collect();
  const before = process.memoryUsage().heapUsed;
  for (const { request, systemPieces } of built) {
    expect(systemPieces?.system).toBe(request.system);
    JSON.stringify(storedTrace({ agent: request.agent, turn: 1, at: 'now', modelKey: request.modelKey, model: request.model, request, response }, systemPieces).stored);
  }
  collect();
  const grown = process.memoryUsage().heapUsed - before;
  // A copy of the list (some 48 KB) in each of the 1,500 live requests would be some 70 MB.
  expect(grown).toBeLessThan(10 * 1024 * 1024);
  expect(built).toHaveLength(1500);
});
