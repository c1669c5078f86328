import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, test } from 'vitest';
import { buildOrg } from '../../bench/build-org.js';
import { Engine } from '../../src/engine/engine.js';
import { buildPrompt, sharedPromptPart } from '../../src/engine/turn/build-prompt.js';
import { loadOrg } from '../../src/org/load-org.js';
import { listTraceTurns, readCallTrace, traceBytes, type CallTrace } from '../../src/engine/record/call-trace.js';
import { OfflineProvider } from '../../src/providers/offline/offline-provider.js';
import { tempDir, write } from '../helpers/temp-org.js';

const everyone = `You may write to everyone in the organisation but yourself.\nYou may send messages to: ${Array.from({ length: 300 }, (_, index) => `agent_${index}`).join(', ')}`;

function traceWith(system: string): CallTrace {
  return {
    agent: 'agent_7',
    turn: 3,
    at: '2026-01-01T00:00:00.000Z',
    modelKey: 'offline',
    model: 'offline-1',
    request: { system, messages: [{ role: 'user', content: 'Turn 3. "Quotes", tabs\tand \u0000 NULs' }], tools: [] },
    response: { text: 'done', toolCalls: [], usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop' } as unknown as CallTrace['response'],
  };
}

const plain = (trace: CallTrace) => `${JSON.stringify(trace, null, 2)}\n`;
const joined = (parts: Buffer[]) => Buffer.concat(parts).toString('utf8');

test('a trace written with the shared list from one buffer is byte for byte the plain JSON of the trace', () => {
  const head = 'You are agent_7, "Worker", in the organisation "bench".\n\nPass work on.\n';
  const trace = traceWith(`${head}${everyone}\n## Your notes\n(none yet)`);
  const parts = traceBytes(trace, { text: everyone, at: head.length });
  expect(parts).toHaveLength(3);
  expect(joined(parts)).toBe(plain(trace));
  // The same buffer serves the next trace.
  const other = traceWith(`You are agent_8.\n${everyone}\n(none yet)`);
  const next = traceBytes(other, { text: everyone, at: 'You are agent_8.\n'.length });
  expect(next[1]).toBe(parts[1]);
  expect(joined(next)).toBe(plain(other));
});

test('a prompt that does not hold the list where it was said, or holds the stand-in itself, is still written exactly', () => {
  const moved = traceWith(`Someone else's prompt.\n${everyone}`);
  expect(joined(traceBytes(moved, { text: everyone, at: 3 }))).toBe(plain(moved));
  const tricky = `Instructions that quote \u0000lemming-shared-prompt-part\u0000 on purpose.\n`;
  const marked = traceWith(`${tricky}${everyone}`);
  expect(joined(traceBytes(marked, { text: everyone, at: tricky.length }))).toBe(plain(marked));
  expect(joined(traceBytes(marked))).toBe(plain(marked));
});

test('an org where everyone may write to everyone keeps exact call traces of every agent', async () => {
  const root = tempDir();
  buildOrg(root, { agents: 40, history: 0, withMail: 40 });
  const orgFile = join(root, 'org', 'org.yaml');
  write(root, 'org/org.yaml', readFileSync(orgFile, 'utf8').replace(/^engine:\n/m, 'engine:\n  traces:\n    keep: 2\n'));
  const provider = new OfflineProvider();
  const engine = Engine.open({ root, providerFactory: () => provider, command: 'test' });
  try {
    for (let turn = 0; turn < 3; turn += 1) for await (const event of engine.turn()) void event;
  } finally {
    engine.close();
  }
  for (const agent of ['agent_0000', 'agent_0021', 'agent_0039']) {
    const turns = listTraceTurns(root, agent);
    expect(turns).toHaveLength(2);
    const file = readFileSync(join(root, 'agents', agent, 'logs', 'traces', `${String(turns[1]).padStart(6, '0')}.json`), 'utf8');
    const trace = readCallTrace(root, agent, turns[1] as number);
    expect(file).toBe(plain(trace as CallTrace));
    expect(trace?.request.system).toContain(`You are ${agent}`);
    expect(trace?.request.system).toContain('agent_0000, agent_0001, agent_0002');
    expect(trace?.request.system).toContain('agent_0039\n');
  }
});

test('the prompt says where the list of everyone sits in it, so its trace need not search for it', () => {
  const root = tempDir();
  buildOrg(root, { agents: 30, history: 0, withMail: 0 });
  const { org } = loadOrg(root);
  const agent = org.agents.get('agent_0012');
  if (!agent) throw new Error('agent_0012 is missing');
  const { request } = buildPrompt({ org, agent, modelKey: agent.models[0] ?? '', turn: 1, inbox: [], memory: new Map(), reason: 'schedule' });
  const shared = sharedPromptPart(org, 'agent_0012');
  expect(shared?.text).toContain('agent_0000, agent_0001');
  expect(request.system.slice(shared?.at, (shared?.at ?? 0) + (shared?.text.length ?? 0))).toBe(shared?.text);
  expect(sharedPromptPart(org, 'agent_0013')).toBeUndefined();
});

test('writing traces leaves the prompts as they were: no request ends up holding its own copy of the list of everyone', () => {
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as () => void;
  const list = `You may send messages to: ${Array.from({ length: 4000 }, (_, index) => `agent_${index}`).join(', ')}`;
  // As build-prompt makes them: each agent's prompt joins its own head to the one shared list.
  const heads = Array.from({ length: 1500 }, (_, index) => `You are agent_${index}.\n`);
  const traces = heads.map((head) => traceWith(`${head}${list}\n## Your notes\n(none yet)`));
  collect();
  const before = process.memoryUsage().heapUsed;
  traces.forEach((trace, index) => traceBytes(trace, { text: list, at: heads[index]?.length ?? 0 }));
  collect();
  const grown = process.memoryUsage().heapUsed - before;
  // A copy of the list in each of the 1,500 live requests would be some 70 MB.
  expect(grown).toBeLessThan(10 * 1024 * 1024);
  expect(traces).toHaveLength(1500);
});
