import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadOrg } from '../../src/org/load-org-once.js';
import type { ProviderRequest, ToolCall } from '../../src/providers/provider.js';
import type { McpAccess } from '../../src/tools/mcp/mcp-tape.js';
import { toolFailure } from '../../src/tools/tool-failure.js';
import { ToolRunner } from '../../src/tools/tool-runner.js';
import { checkInvariants } from '../faults/invariants.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultOrg, humanSends, listOutbox, ofType, read, REPO_ROOT, runEngine, write } from '../helpers/temp-org.js';

const ALL_TOOLS = '[send_message, remember, read_file, write_file, list_files, search_files, read_message, list_agents, hire_agent, retire_agent]';
const stepOf = (request: ProviderRequest): number => (request.messages.length + 1) / 2;
const LONG = 'a'.repeat(300);

function call(name: string, args: Record<string, unknown>, index: number): ToolCall {
  return { id: `call_${index}`, name, arguments: args };
}

/** Every built-in tool that takes a path, aimed at `path`. */
function pathCalls(path: string): Array<[string, Record<string, unknown>]> {
  return [
    ['read_file', { path }],
    ['write_file', { path, content: 'x' }],
    ['list_files', { path }],
    ['search_files', { query: 'x', path }],
  ];
}

/** The manager with every built-in tool, a file `notes.md` and a link that points to itself in its workspace. */
function hostileWorkspace(): string {
  const root = defaultOrg();
  write(root, 'agents/manager/resume.md', `---\ntitle: Engineering manager\nmodel: offline\ncredits: 0.5\ntools: ${ALL_TOOLS}\n---\nManage.\n`);
  write(root, 'agents/manager/workspace/notes.md', 'some notes\n');
  symlinkSync('loop', join(root, 'agents/manager/workspace/loop'));
  humanSends(root, 'manager', 'Look through your files and tell me what is there.');
  return root;
}

describe('a tool that fails inside is a result, never a failed turn', () => {
  test('ENOTDIR, ENAMETOOLONG and ELOOP through every built-in tool: each a plain result, the turn finishes and every step is charged', async () => {
    const root = hostileWorkspace();
    const calls = [
      ...pathCalls('notes.md/inner.txt'),
      ...pathCalls(`${LONG}/x.md`),
      ...pathCalls(LONG),
      ...pathCalls('loop/x.md'),
      ['read_message', { id: `000001-manager-${'1'.repeat(300)}` }],
      ['hire_agent', { name: LONG, title: 'Tester', instructions: 'Test.', reports_to: 'manager', credits: 0.01 }],
      ['retire_agent', { name: LONG }],
      ['list_agents', {}],
    ] as Array<[string, Record<string, unknown>]>;
    const provider = new ScriptedProvider((request) => {
      if (request.agent !== 'manager' || request.turn !== 1) return {};
      if (stepOf(request) === 1) return { toolCalls: calls.map(([name, args], index) => call(name, args, index)) };
      return { toolCalls: [sendCall('human', 'My workspace holds notes.md.', { subject: 'Files' })] };
    });
    const events = await runEngine(root, { maxTurns: 1 }, { providerFactory: () => provider });

    expect(ofType(events, 'agent-error')).toEqual([]);
    expect(ofType(events, 'turn-finished')).toHaveLength(1);
    const results = provider.requests.filter((request) => request.agent === 'manager')[1]?.messages.at(-1)?.content ?? '';
    // Every call got a result element, and none names a host path.
    expect(results.match(/<tool_result /g)).toHaveLength(calls.length);
    expect(results).not.toContain(root);
    expect(results).toContain('read_file: notes.md is a file, not a folder');
    expect(results).toContain('write_file: notes.md is a file, not a folder');
    expect(results).toContain('a name in the path is too long');
    expect(results).toContain('loop is a symbolic link; lemming follows no link in a workspace');
    // The report of the second step went out, and both steps are charged in one entry.
    expect(listOutbox(root, 'manager')).toEqual(['000001-001-human.md']);
    expect(ofType(events, 'credits-charged').find((event) => event.agent === 'manager')).toMatchObject({ inputTokens: 200, outputTokens: 20 });
    expect(ofType(events, 'agent-step').filter((step) => step.agent === 'manager').map((step) => step.step)).toEqual([1, 2]);
    expect(read(root, 'agents/manager/workspace/notes.md')).toBe('some notes\n');
    expect(checkInvariants(root)).toEqual([]);
  });

  test('a tool whose server is gone mid-call, and one whose code throws, are results too', async () => {
    const root = hostileWorkspace();
    // The reference test server exits in the middle of `die`: the call is a result, and so is the ENOTDIR beside it.
    write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace('models:', `mcp_servers:\n  test:\n    command: node\n    args: [${JSON.stringify(join(REPO_ROOT, 'tests/fixtures/mcp/test-server.mjs'))}]\nmodels:`));
    write(root, 'agents/manager/resume.md', read(root, 'agents/manager/resume.md').replace('retire_agent]', 'retire_agent, test/*]'));
    const provider = new ScriptedProvider((request) => {
      if (request.agent !== 'manager' || request.turn !== 1) return {};
      if (stepOf(request) === 1) return { toolCalls: [call('test__die', {}, 1), call('read_file', { path: 'notes.md/x' }, 2)] };
      return { toolCalls: [sendCall('human', 'Done.')] };
    });
    const events = await runEngine(root, { maxTurns: 1 }, { providerFactory: () => provider });
    expect(ofType(events, 'agent-error')).toEqual([]);
    const results = provider.requests.filter((request) => request.agent === 'manager')[1]?.messages.at(-1)?.content ?? '';
    expect(results).toContain('<tool_result name="test__die" call="call_1" error="true">');
    expect(results).toContain('notes.md is a file, not a folder');
    expect(listOutbox(root, 'manager')).toEqual(['000001-001-human.md']);
    expect(checkInvariants(root)).toEqual([]);
  });

  test('a folder where a file is meant is said so by every path tool, and EISDIR, where the file system says it, reads the same', async () => {
    const root = hostileWorkspace();
    mkdirSync(join(root, 'agents/manager/workspace/drafts'));
    const { org } = loadOrg(root);
    const agent = org.agents.get('manager');
    if (!agent) throw new Error('manager');
    const runner = new ToolRunner(root, () => org);
    const context = { org, agent, turn: 1, sequence: 1, at: '2026-11-22T10:00:00.000Z', balance: 0.5, delivered: () => false };
    expect((await runner.run(call('read_file', { path: 'drafts' }, 1), context)).result).toEqual({ isError: true, content: 'drafts is a folder; use list_files' });
    expect((await runner.run(call('write_file', { path: 'drafts', content: 'x' }, 2), context)).result).toEqual({ isError: true, content: 'drafts is a folder; only regular files are written' });
    // The reason the file system gives, as a tool meets it: in the agent's terms, with no host path.
    const eisdir = Object.assign(new Error(`EISDIR: illegal operation on a directory, open '${join(root, 'agents/manager/workspace/drafts')}'`), { code: 'EISDIR', path: join(root, 'agents/manager/workspace/drafts') });
    expect(toolFailure('write_file', eisdir, { root, agent })).toEqual({ isError: true, content: 'write_file: drafts is a folder, not a file' });
    await runner.close();
  });

  test('a throw inside an MCP tool (its client, its tape, a worker) is the call\'s result', async () => {
    const root = hostileWorkspace();
    write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace('models:', 'mcp_servers:\n  github:\n    command: node\n    args: [server.mjs]\nmodels:'));
    write(root, 'agents/manager/resume.md', read(root, 'agents/manager/resume.md').replace('retire_agent]', 'retire_agent, github/*]'));
    const { org } = loadOrg(root);
    const agent = org.agents.get('manager');
    if (!agent) throw new Error('manager');
    const throwing: McpAccess = {
      resolve: (name) => (name.startsWith('github__') ? { server: 'github', tool: name.slice('github__'.length) } : undefined),
      idempotent: () => false,
      offer: () => Promise.resolve({ definitions: [], problems: [] }),
      call: () => Promise.reject(Object.assign(new Error(`EPIPE: broken pipe, write ${root}/x`), { code: 'EPIPE' })),
      close: () => Promise.resolve(),
    };
    const runner = new ToolRunner(root, () => org, { mcp: () => throwing });
    const run = await runner.run(call('github__create_issue', { title: 'x' }, 1), { org, agent, turn: 1, sequence: 1, at: '2026-11-22T10:00:00.000Z', balance: 0.5, delivered: () => false });
    expect(run.result.isError).toBe(true);
    expect(run.result.content).toBe('github__create_issue failed (EPIPE): EPIPE: broken pipe, write <org>/x');
  });

  test('EACCES on a folder of mode 000: a result naming the path, as the user lemming runs as (nobody when the test runs as root)', () => {
    const root = hostileWorkspace();
    mkdirSync(join(root, 'agents/manager/workspace/locked'));
    write(root, 'agents/manager/workspace/locked/inside.md', 'hidden');
    chmodSync(join(root, 'agents/manager/workspace/locked'), 0o000);
    const runAs = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    if ('uid' in runAs) chownTree(root, 65534, 65534);
    // The engine runs in a child process (as another user when this one is root, who is never refused).
    const script = `
      import { Engine } from ${JSON.stringify(join(REPO_ROOT, 'dist/engine/engine.js'))};
      const tools = [['read_file', { path: 'locked/inside.md' }], ['write_file', { path: 'locked/new.md', content: 'x' }], ['list_files', { path: 'locked' }], ['search_files', { query: 'x', path: 'locked' }]];
      const seen = [];
      const provider = { async generate(request) {
        const step = (request.messages.length + 1) / 2;
        if (request.agent === 'manager' && step === 2) seen.push(request.messages.at(-1).content);
        const toolCalls = request.agent !== 'manager' ? [] : step === 1
          ? tools.map(([name, args], index) => ({ id: 'call_' + index, name, arguments: args }))
          : [{ id: 'send', name: 'send_message', arguments: { to: 'human', body: 'done' } }];
        return { text: '', toolCalls, usage: { inputTokens: 100, outputTokens: 10, estimated: false }, modelKey: request.modelKey };
      } };
      const engine = Engine.open({ root: ${JSON.stringify(root)}, providerFactory: () => provider });
      const types = [];
      for await (const event of engine.run({ maxTurns: 1 })) types.push(event.type);
      engine.close();
      console.log(JSON.stringify({ types, seen }));
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', ...runAs });
    expect(child.stderr).toBe('');
    const { types, seen } = JSON.parse(child.stdout) as { types: string[]; seen: string[] };
    expect(types).toContain('turn-finished');
    expect(types).not.toContain('agent-error');
    expect(seen[0]).not.toContain(root);
    expect(seen[0]?.match(/permission denied/g)?.length).toBeGreaterThanOrEqual(3);
    expect(listOutbox(root, 'manager')).toEqual(['000001-001-human.md']);
  });
});

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (!statSync(path).isDirectory()) return;
  for (const name of readdirSync(path)) {
    const child = join(path, name);
    try {
      if (statSync(child).isDirectory() || statSync(child).isFile()) chownTree(child, uid, gid);
    } catch {
      // A link that points nowhere (the loop): not ours to change.
    }
  }
}
