import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CassetteWriter } from '../../src/providers/cassette/cassette-file.js';
import { RecordingProvider } from '../../src/providers/recording-provider.js';
import type { ProviderRequest, ToolCall } from '../../src/providers/provider.js';
import { toolTapeFile } from '../../src/tools/mcp/mcp-tape.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { REPO_ROOT } from '../helpers/org-files.js';
// @ts-expect-error a plain ES module fixture without types
import { startHeaderEchoServer } from '../fixtures/mcp/secret-echo-server.mjs';
import { defaultFaultOrg, humanSends, readText, runOrg, writeFile } from './fault-org.js';
import { checkInvariants } from './invariants.js';
import { scratchDir } from './scratch.js';
import { secretsIn } from './secret-invariants.js';

const ECHO_SERVER = join(REPO_ROOT, 'tests/fixtures/mcp/secret-echo-server.mjs');
/** Kept in the org's `.env`, named by the stdio server's `env:`. */
const GITHUB_TOKEN = 'ghp_lemmingFaultsToken0a1b2c3d4e5f6a7b';
/**
 * In the environment, named by the HTTP server's `headers:`. Its quote and backslash appear
 * escaped when the server echoes it as JSON: the escaped form is cut as well.
 */
const SEARCH_KEY = 'Bearer search-"quoted"\\key-9f3a1c7e';

interface HeaderEcho {
  url: string;
  authorizations: string[];
  close(): Promise<void>;
}

const stepOf = (request: ProviderRequest): number => (request.messages.length + 1) / 2;
const call = (name: string, args: Record<string, unknown>): ToolCall => ({ id: `call_${name}`, name, arguments: args });

/** The default org with the two careless servers declared and the manager granted all of their tools. */
function orgWithEchoServers(httpUrl: string): string {
  const root = defaultFaultOrg();
  writeFile(root, '.env', `LEMMING_FAULTS_GITHUB_TOKEN=${GITHUB_TOKEN}\n`);
  const orgYaml = readText(root, 'org/org.yaml');
  writeFile(
    root,
    'org/org.yaml',
    `${orgYaml}\nmcp_servers:\n  kit:\n    command: ${JSON.stringify(process.execPath)}\n    args: [${JSON.stringify(ECHO_SERVER)}]\n    env: [LEMMING_FAULTS_GITHUB_TOKEN]\n    timeout_ms: 10000\n  web:\n    url: ${httpUrl}\n    headers: { authorization: LEMMING_FAULTS_SEARCH_KEY }\n    timeout_ms: 10000\n`,
  );
  writeFile(root, 'agents/manager/resume.md', '---\ntitle: Engineering manager\nmodel: offline\ncredits: 0.5\ntools: [send_message, write_file, kit/*, web/*]\n---\nManage.\n');
  humanSends(root, 'manager', 'What do our servers know?');
  return root;
}

/** Asks each server to repeat its secret (in a result and in an error), writes down what came back, and tells the human. */
function scripted(): ScriptedProvider {
  return new ScriptedProvider((request) => {
    if (request.agent !== 'manager' || request.turn !== 1) return {};
    const results = request.messages.at(-1)?.content ?? '';
    if (stepOf(request) === 1) {
      const name = { name: 'LEMMING_FAULTS_GITHUB_TOKEN' };
      return { toolCalls: [call('kit__env_value', name), call('kit__env_error', name), call('web__headers', {}), call('web__header_error', {})] };
    }
    if (stepOf(request) === 2) return { toolCalls: [call('write_file', { path: 'servers.txt', content: results }), sendCall('human', `The servers said:\n${results}`)] };
    return {};
  });
}

describe('secrets an MCP server repeats', () => {
  let http: HeaderEcho;
  beforeAll(async () => {
    http = (await startHeaderEchoServer()) as HeaderEcho;
    process.env.LEMMING_FAULTS_SEARCH_KEY = SEARCH_KEY;
  });
  afterAll(async () => {
    delete process.env.LEMMING_FAULTS_SEARCH_KEY;
    await http.close();
  });

  test('a stdio server that prints its env and an HTTP server that echoes its headers, in results and errors: the model, the files, the traces, the cassette and the tape get the marker', async () => {
    const root = orgWithEchoServers(http.url);
    const cassette = join(scratchDir('lemming-cassette-'), 'run.jsonl');
    const writer = new CassetteWriter(cassette);
    const provider = scripted();
    await runOrg(root, {}, { providerFactory: () => new RecordingProvider(provider, writer), cassette: { record: cassette } });

    // The servers were given the real values (the HTTP one says what it was sent)...
    expect(http.authorizations).toContain(SEARCH_KEY);
    // ...and the model's next prompt shows each as a marker, in results and in errors, whichever way the server quoted it.
    const shown = provider.requests.find((request) => request.agent === 'manager' && stepOf(request) === 2)?.messages.at(-1)?.content ?? '';
    expect(shown).toContain('LEMMING_FAULTS_GITHUB_TOKEN=[secret LEMMING_FAULTS_GITHUB_TOKEN]');
    expect(shown).toContain('the token [secret LEMMING_FAULTS_GITHUB_TOKEN] was refused');
    expect(shown).toContain('"authorization":"[secret LEMMING_FAULTS_SEARCH_KEY]"');
    expect(shown).toContain('authorization [secret LEMMING_FAULTS_SEARCH_KEY] is not allowed here');
    expect(secretsIn('what the model was sent', JSON.stringify(provider.requests), [GITHUB_TOKEN, SEARCH_KEY])).toEqual([]);

    // What the manager wrote down and sent holds the markers; traces were kept.
    expect(readText(root, 'agents/manager/workspace/servers.txt')).toContain('[secret LEMMING_FAULTS_SEARCH_KEY]');
    const trace = readText(root, 'agents/manager/logs/traces/000001.json');
    expect(trace).toContain('[secret LEMMING_FAULTS_GITHUB_TOKEN]');
    expect(readFileSync(toolTapeFile(cassette), 'utf8')).toContain('[secret LEMMING_FAULTS_SEARCH_KEY]');
    // No value (as written or JSON-escaped) in any file under the root, the cassette or its tape.
    expect(checkInvariants(root, { alsoSearch: [cassette] })).toEqual([]);
  });
});
