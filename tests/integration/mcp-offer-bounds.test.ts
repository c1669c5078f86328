import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { MAX_DESCRIPTION_CHARS, MAX_OFFERED_TOOLS } from '../../src/tools/mcp/offer-gate.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { defaultOrg, humanSends, ofType, read, REPO_ROOT, runEngine, write } from '../helpers/temp-org.js';

const WIDE_SERVER = join(REPO_ROOT, 'tests/fixtures/mcp/wide-server.mjs');
const NAMED_SERVER = join(REPO_ROOT, 'tests/fixtures/mcp/named-server.mjs');

/** The default org with the wide server declared (`tools` tools, each described in `characters` characters), the manager granted all of them. */
function orgWithWideServer(tools: number, characters: number): string {
  const root = defaultOrg();
  write(root, 'org/org.yaml', `${read(root, 'org/org.yaml')}\nmcp_servers:\n  wide:\n    command: ${JSON.stringify(process.execPath)}\n    args: [${JSON.stringify(WIDE_SERVER)}, "${tools}", "${characters}"]\n    timeout_ms: 20000\n`);
  write(root, 'agents/manager/resume.md', '---\ntitle: Engineering manager\nmodel: offline\ncredits: 0.5\ntools: [send_message, wide/*]\n---\nManage.\n');
  humanSends(root, 'manager', 'Look at your tools.');
  return root;
}

const answering = (): ScriptedProvider => new ScriptedProvider((request) => (request.agent === 'manager' && request.turn === 1 ? { toolCalls: [sendCall('human', 'Looked.')] } : {}));

/** A local server's list of tools is held to the rule a worker's offer is (offer-gate.ts): one check, both paths. */
describe("a local MCP server's list of tools, held to the offer's rule", () => {
  test(`a server granted ${MAX_OFFERED_TOOLS + 72} tools: the first ${MAX_OFFERED_TOOLS} it lists are offered, and the model, the log and the screen are told which server, how many, the limit and what to grant`, { timeout: 60_000 }, async () => {
    const root = orgWithWideServer(MAX_OFFERED_TOOLS + 72, 10);
    const provider = new ScriptedProvider((request) =>
      request.agent === 'manager' && request.turn === 1 && request.messages.length === 1 ? { toolCalls: [{ id: 'call-1', name: `wide__tool_${MAX_OFFERED_TOOLS}`, arguments: {} }] } : request.agent === 'manager' && request.turn === 1 ? { toolCalls: [sendCall('human', 'Looked.')] } : {},
    );
    const events = await runEngine(root, { maxTurns: 1 }, { providerFactory: () => provider });
    // Before: none of the 200 offered, the agent left with send_message alone, each turn.
    const offered = Array.from({ length: MAX_OFFERED_TOOLS }, (_, index) => `wide__tool_${index + 1}`);
    expect(provider.requests[0]?.tools.map((tool) => tool.name)).toEqual(['send_message', ...offered]);
    const said = `the MCP server wide lists ${MAX_OFFERED_TOOLS + 72} tools this agent is granted, more than the ${MAX_OFFERED_TOOLS} lemming offers from one server: the first ${MAX_OFFERED_TOOLS} it lists are offered (wide__tool_1 to wide__tool_${MAX_OFFERED_TOOLS}), and 72 are not (wide__tool_${MAX_OFFERED_TOOLS + 1} to wide__tool_${MAX_OFFERED_TOOLS + 72}); to choose which, grant them by name in the resume's tools (\`wide/<tool>\` for each, at most ${MAX_OFFERED_TOOLS}) instead of \`wide/*\``;
    expect(provider.requests[0]?.messages[0]?.content).toContain(said);
    expect(ofType(events, 'agent-note').map((note) => note.message)).toEqual([said]);
    // An offered tool answers.
    expect(provider.requests[1]?.messages.at(-1)?.content).toContain(`tool_${MAX_OFFERED_TOOLS}`);
    expect(ofType(events, 'message-delivered').map((event) => `${event.message.from}->${event.message.to}`)).toEqual(['human->manager', 'manager->human']);
  });

  test('a tool described in 10 MB: offered, its description cut to the bound, saying so', { timeout: 60_000 }, async () => {
    const root = orgWithWideServer(1, 10_000_000);
    const provider = answering();
    const events = await runEngine(root, { maxTurns: 1 }, { providerFactory: () => provider });
    const tool = provider.requests[0]?.tools.find((each) => each.name === 'wide__tool_1');
    // Before: 10,000,000 characters sent with each request.
    expect(tool?.description.length).toBe(MAX_DESCRIPTION_CHARS);
    expect(tool?.description).toMatch(/\[lemming: the rest of the description was cut\]$/);
    expect(ofType(events, 'agent-note')).toEqual([]);
  });

  test("tools whose names a model cannot call them by (a dot, a letter outside ASCII, past 64 characters): left out and said; each tool offered is the one its name reaches", { timeout: 60_000 }, async () => {
    const long = 'x'.repeat(70);
    const root = defaultOrg();
    const tools = ['files.read', 'files_read', 'lire-été', `${long}A`, `${long}B`, 'Read', 'read'];
    write(root, 'org/org.yaml', `${read(root, 'org/org.yaml')}\nmcp_servers:\n  names:\n    command: ${JSON.stringify(process.execPath)}\n    args: ${JSON.stringify([NAMED_SERVER, ...tools])}\n    timeout_ms: 20000\n`);
    write(root, 'agents/manager/resume.md', '---\ntitle: Engineering manager\nmodel: offline\ncredits: 0.5\ntools: [send_message, names/*]\n---\nManage.\n');
    humanSends(root, 'manager', 'Look at your tools.');
    // The model calls each MCP tool it is offered once, in one step, then answers the human.
    const provider = new ScriptedProvider((request) => {
      if (request.agent !== 'manager' || request.turn !== 1) return {};
      if (request.messages.length > 1) return { toolCalls: [sendCall('human', 'Looked.')] };
      return { toolCalls: request.tools.filter((tool) => tool.name.startsWith('names__')).map((tool, index) => ({ id: `call-${index}`, name: tool.name, arguments: {} })) };
    });
    const events = await runEngine(root, { maxTurns: 1 }, { providerFactory: () => provider });
    const offered = provider.requests[0]?.tools.map((tool) => tool.name) ?? [];
    // Before: names__files_read offered twice (files.read and files_read; a request Anthropic refuses whole), the two long names
    // offered as one cut name, and names__lire-_t_ and the cut name answered "Tool ... not found" when called.
    expect(offered).toEqual(['send_message', 'names__files_read', 'names__Read', 'names__read']);
    const results = provider.requests[1]?.messages.at(-1)?.content ?? '';
    for (const tool of ['files_read', 'Read', 'read']) expect(results).toContain(`I am ${tool}`);
    expect(results).not.toContain('not found');
    const said =
      'the MCP server names lists 4 tools this agent is granted whose names a model cannot call them by, left out: "files.read", "lire-été", ' +
      `"${long}A", "${long}B"; a model calls a tool by the server's name, "__" and the tool's, at most 64 letters, digits, _ and - in all, naming no other server's tool: rename them in the server`;
    expect(provider.requests[0]?.messages[0]?.content).toContain(said);
    expect(ofType(events, 'agent-note').map((note) => note.message)).toEqual([said]);
  });

  test("two servers whose tools' names meet (names's files__read and names__files's read, both names__files__read): offered once, as the tool a call reaches; the other said", { timeout: 60_000 }, async () => {
    const root = defaultOrg();
    const server = (name: string, tool: string): string => `  ${name}:\n    command: ${JSON.stringify(process.execPath)}\n    args: ${JSON.stringify([NAMED_SERVER, tool])}\n    timeout_ms: 20000\n`;
    write(root, 'org/org.yaml', `${read(root, 'org/org.yaml')}\nmcp_servers:\n${server('names', 'files__read')}${server('names__files', 'read')}`);
    write(root, 'agents/manager/resume.md', '---\ntitle: Engineering manager\nmodel: offline\ncredits: 0.5\ntools: [send_message, names__files/*, names/*]\n---\nManage.\n');
    humanSends(root, 'manager', 'Look at your tools.');
    const provider = new ScriptedProvider((request) => {
      if (request.agent !== 'manager' || request.turn !== 1) return {};
      return request.messages.length > 1 ? { toolCalls: [sendCall('human', 'Looked.')] } : { toolCalls: [{ id: 'call-1', name: 'names__files__read', arguments: {} }] };
    });
    const events = await runEngine(root, { maxTurns: 1 }, { providerFactory: () => provider });
    // Before: names__files__read offered twice, and a call to it ran names's files__read whichever the model meant.
    expect(provider.requests[0]?.tools.map((tool) => tool.name)).toEqual(['send_message', 'names__files__read']);
    expect(provider.requests[1]?.messages.at(-1)?.content).toContain('I am files__read');
    expect(ofType(events, 'agent-note').map((note) => note.message)).toEqual([expect.stringContaining('the MCP server names__files lists 1 tool this agent is granted whose names a model cannot call them by, left out: "read";')]);
  });
});
