import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CassetteWriter } from '../../src/providers/cassette/cassette-file.js';
import { createProviderFactory } from '../../src/providers/create-provider.js';
import { RecordingProvider } from '../../src/providers/recording-provider.js';
import type { ProviderRequest, ToolCall } from '../../src/providers/provider.js';
import { estimateInputTokens } from '../../src/providers/request-tokens.js';
import { activityLogs, messageFiles, workspaceFiles } from '../helpers/org-snapshot.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultOrg, humanSends, ofType, read, REPO_ROOT, runEngine, tempDir, write } from '../helpers/temp-org.js';

const TEST_SERVER = join(REPO_ROOT, 'tests/fixtures/mcp/test-server.mjs');
const clock = () => new Date('2026-11-22T10:00:00.000Z');
const stepOf = (request: ProviderRequest): number => (request.messages.length + 1) / 2;

/**
 * The default org with an MCP server declared and the manager granted two of its tools. The start
 * timeout is generous: on a machine shared with other test runs Node took over 5 s to start the server.
 */
function orgWithServer(command = process.execPath): string {
  const root = defaultOrg();
  const orgYaml = read(root, 'org/org.yaml');
  write(root, 'org/org.yaml', `${orgYaml}\nmcp_servers:\n  kit:\n    command: ${JSON.stringify(command)}\n    args: [${JSON.stringify(TEST_SERVER)}]\n    timeout_ms: 20000\n`);
  write(root, 'agents/manager/resume.md', '---\ntitle: Engineering manager\nmodel: offline\ncredits: 0.5\ntools: [send_message, write_file, kit/shout, kit/fail]\n---\nManage.\n');
  humanSends(root, 'manager', 'Say it loudly.');
  return root;
}

const call = (name: string, args: Record<string, unknown>): ToolCall => ({ id: `call_${name}`, name, arguments: args });

/**
 * Shouts, writes the answer down, calls an ungranted tool, then reports; each step's usage the
 * prompt's tokens as the offline model it stands in for counts them (lemming's estimate).
 */
function scripted(): ScriptedProvider {
  return new ScriptedProvider((request) => {
    if (request.agent !== 'manager' || request.turn !== 1) return {};
    const usage = { inputTokens: estimateInputTokens(request), outputTokens: 10, estimated: false };
    if (stepOf(request) === 1) return { toolCalls: [call('kit__shout', { text: 'ship it' }), call('kit__pid', {}), call('kit__fail', {})], usage };
    if (stepOf(request) === 2) {
      const loud = /<tool_result name="kit__shout"[^>]*>\n([^\n]*)/.exec(request.messages.at(-1)?.content ?? '')?.[1] ?? '?';
      return { toolCalls: [call('write_file', { path: 'loud.txt', content: loud })], usage };
    }
    return { toolCalls: [sendCall('human', 'Said it: see loud.txt')], usage };
  });
}

describe('MCP tools in a turn', () => {
  test('a server that cannot start: the model is told in its prompt, the log and the screen say so, the turn goes on', async () => {
    const root = orgWithServer('/nonexistent/mcp-server');
    const provider = new ScriptedProvider((request) => (request.agent === 'manager' && request.turn === 1 ? { toolCalls: [sendCall('human', 'No kit today.')] } : {}));
    const events = await runEngine(root, { maxTurns: 1 }, { providerFactory: () => provider, clock });
    expect(provider.requests[0]?.tools.map((tool) => tool.name)).toEqual(['send_message', 'write_file']);
    expect(provider.requests[0]?.messages[0]?.content).toContain('(lemming: the tools of the MCP server kit are unavailable this turn: the MCP server kit did not start');
    expect(ofType(events, 'agent-note').map((note) => note.message)).toEqual([expect.stringContaining('the MCP server kit did not start')]);
    expect(read(root, 'agents/manager/logs/activity.jsonl')).toContain('the MCP server kit did not start');
    expect(ofType(events, 'message-delivered').map((event) => `${event.message.from}->${event.message.to}`)).toEqual(['human->manager', 'manager->human']);
    // Counted as an error of the run, not `0 error(s)`.
    expect(ofType(events, 'agent-note')[0]?.error).toBe(true);
    expect(ofType(events, 'turn-finished')[0]?.stats.errors).toBe(1);
    expect(ofType(events, 'run-finished')[0]?.totals.errors).toBe(1);
  });

  test('only granted MCP tools are offered; results go back to the model; an ungranted one is refused with the reason', async () => {
    const root = orgWithServer();
    const provider = scripted();
    const events = await runEngine(root, { maxTurns: 1 }, { providerFactory: () => provider, clock });
    const first = provider.requests[0];
    expect(first?.tools.map((tool) => tool.name)).toEqual(['send_message', 'write_file', 'kit__shout', 'kit__fail']);
    const results = provider.requests[1]?.messages.at(-1)?.content ?? '';
    expect(results).toContain('<tool_result name="kit__shout" call="call_kit__shout">\nSHIP IT\n</tool_result>');
    expect(results).toContain('the tool pid of the MCP server kit is not granted to you');
    expect(results).toContain('<tool_result name="kit__fail" call="call_kit__fail" error="true">\ndisk on fire\n</tool_result>');
    expect(read(root, 'agents/manager/workspace/loud.txt')).toBe('SHIP IT');
    expect(ofType(events, 'agent-step')[0]?.tools.map((tool) => [tool.name, tool.error ?? tool.size])).toEqual([
      ['kit__shout', 7],
      ['kit__pid', expect.stringContaining('not granted')],
      ['kit__fail', 'disk on fire'],
    ]);
  });

  test('a recorded run replays byte for byte with neither the model nor the MCP server', async () => {
    const root = orgWithServer();
    const copy = tempDir();
    cpSync(root, copy, { recursive: true });
    const cassette = join(tempDir(), 'run.jsonl');
    const writer = new CassetteWriter(cassette);
    const recorded = scripted();
    await runEngine(root, {}, { providerFactory: () => new RecordingProvider(recorded, writer, clock), clock, cassette: { record: cassette } });
    expect(readFileSync(`${cassette}.tools.jsonl`, 'utf8')).toContain('SHIP IT');

    // The server cannot start in the copy: the replay must not need it.
    write(copy, 'org/org.yaml', read(copy, 'org/org.yaml').replace(JSON.stringify(process.execPath), '"/nonexistent/mcp-server"'));
    await runEngine(copy, {}, { providerFactory: createProviderFactory({ root: copy, replay: cassette }), clock, cassette: { replay: cassette } });
    expect(workspaceFiles(copy)).toEqual(workspaceFiles(root));
    expect(messageFiles(copy)).toEqual(messageFiles(root));
    expect(activityLogs(copy)).toEqual(activityLogs(root));
    expect(read(copy, 'agents/manager/workspace/loud.txt')).toBe('SHIP IT');
  });
});
