import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeRealModelOrg } from '../helpers/real-model-org.js';
import { anthropicMessage, anthropicText, chatCompletion, errorBody } from '../helpers/vendor-bodies.js';
import { startWireServer, type ReceivedRequest, type WireServer } from '../helpers/wire-server.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');
const OPENAI_KEY = 'sk-e2e-openai-4f1c9a7d2b';
const ANTHROPIC_KEY = 'sk-ant-e2e-8e2d6b0c3a';

/** Run the built binary; never throws, so exit codes can be asserted. */
async function lemming(root: string, args: string[], env: Record<string, string> = {}) {
  const cleanEnv = { ...process.env };
  for (const name of Object.keys(cleanEnv)) if (/API_KEY|E2E_/.test(name)) delete cleanEnv[name];
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, '--root', root, ...args], { env: { ...cleanEnv, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Every file under a folder, by relative path. */
function files(root: string, under = root): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  if (!existsSync(under)) return found;
  for (const name of readdirSync(under)) {
    const path = join(under, name);
    if (statSync(path).isDirectory()) for (const [inner, content] of files(root, path)) found.set(inner, content);
    else found.set(relative(root, path), readFileSync(path));
  }
  return found;
}

function outboxes(root: string): Map<string, Buffer> {
  return new Map([...files(root, join(root, 'agents'))].filter(([path]) => path.includes('/outbox/')));
}

function userText(request: ReceivedRequest): string {
  const messages = request.body.messages as Array<{ role: string; content: unknown }>;
  return messages.filter((message) => message.role === 'user').map((message) => anthropicText(message.content)).join('\n');
}

/**
 * The vendors, on one local server: the OpenAI model is down (500), the Anthropic
 * fallback uses tool calls, the local model answers in the plain-text format.
 */
function vendors(request: ReceivedRequest) {
  if (request.path === '/v1/chat/completions' && request.body.model === 'primary-model') {
    return { status: 500, body: errorBody('The server had an error while processing your request.') };
  }
  if (request.path === '/v1/messages') {
    const fromCoder = /from="coder"/.test(userText(request));
    return {
      body: anthropicMessage({
        toolUses: [
          fromCoder
            ? { name: 'send_message', arguments: { to: 'human', subject: 'Re: Release notes', body: 'The coder has written the release notes.' } }
            : { name: 'send_message', arguments: { to: 'coder', subject: 'Release notes', body: 'Please write the release notes for 1.2.' } },
        ],
        usage: { input_tokens: 400, output_tokens: 50 },
      }),
    };
  }
  return {
    body: chatCompletion({
      content: 'Here is my report.\n=== send_message\nto: manager\nsubject: Re: Release notes\nbody:\nRelease notes for 1.2 are written.\n=== end',
      usage: null,
    }),
  };
}

describe('lemming on real providers (a local server speaking each vendor wire format)', () => {
  let server: WireServer;
  let pristine: string;
  let recorded: string;
  let recordResult: Awaited<ReturnType<typeof lemming>>;
  const cassetteDirectory = mkdtempSync(join(tmpdir(), 'lemming-cassettes-'));
  const cassette = join(cassetteDirectory, 'run.jsonl');

  beforeAll(async () => {
    server = await startWireServer(vendors);
    pristine = writeRealModelOrg(server.url, { dotEnv: `E2E_ANTHROPIC_KEY=${ANTHROPIC_KEY}\n` });
    const sent = await lemming(pristine, ['send', 'manager', 'Write release notes for 1.2', '--subject', 'Release notes']);
    expect(sent.code).toBe(0);
    recorded = mkdtempSync(join(tmpdir(), 'lemming-recorded-'));
    cpSync(pristine, recorded, { recursive: true });
    recordResult = await lemming(recorded, ['run', '--record', cassette], { E2E_OPENAI_KEY: OPENAI_KEY });
  });

  afterAll(async () => {
    await server.close();
    for (const root of [pristine, recorded, cassetteDirectory]) rmSync(root, { recursive: true, force: true });
  });

  test('a run goes through the fallback and the text format, and each message says which model wrote it', async () => {
    expect(recordResult.stderr).toBe('');
    expect(recordResult.code).toBe(0);
    expect(recordResult.stdout).toMatch(/manager: answered by fallback model backup after: primary failed: primary: the server answered 500 Internal Server Error/);
    expect(recordResult.stdout).toMatch(/coder: used lemming's plain-text action format instead of tool calls \(models.local.tool_calling is false\); read 1 action/);
    expect(recordResult.stdout).toMatch(/3 turn\(s\) run, now at turn 3; the org is idle/);

    const written = outboxes(recorded);
    expect([...written.keys()].sort()).toEqual([
      'agents/coder/outbox/000002-001-manager.md',
      'agents/human/outbox/000000-001-manager.md',
      'agents/manager/outbox/000001-001-coder.md',
      'agents/manager/outbox/000003-001-human.md',
    ]);
    const toCoder = written.get('agents/manager/outbox/000001-001-coder.md')?.toString() ?? '';
    expect(toCoder).toMatch(/^model: backup$/m);
    expect(toCoder).toMatch(/^usage: \{ input_tokens: 400, output_tokens: 50, credits: 0\.0012 \}$/m);
    const report = written.get('agents/coder/outbox/000002-001-manager.md')?.toString() ?? '';
    expect(report).toMatch(/^model: local$/m);
    expect(report).toMatch(/estimated: true/);
    expect(report).toContain('Release notes for 1.2 are written.');

    // The tool definitions reached the Anthropic fallback; the local model got the text format instead.
    const toAnthropic = server.requests.find((request) => request.path === '/v1/messages');
    expect(toAnthropic?.body.tools.map((tool: { name: string }) => tool.name)).toEqual(['send_message', 'remember']);
    const toLocal = server.requests.find((request) => request.body.model === 'local-model');
    expect(toLocal?.body.tools).toBeUndefined();
    expect(toLocal?.body.messages[0].content).toContain('=== send_message');
  });

  test('no key is written to any file, log, message, cassette or output', () => {
    const everything = [...files(recorded)].filter(([path]) => path !== '.env');
    everything.push(['cassette', readFileSync(cassette)], ['stdout', Buffer.from(recordResult.stdout)], ['stderr', Buffer.from(recordResult.stderr)]);
    for (const [path, content] of everything) {
      expect(content.includes(OPENAI_KEY), path).toBe(false);
      expect(content.includes(ANTHROPIC_KEY), path).toBe(false);
    }
    const sentKeys = server.requests.map((request) => `${request.headers.authorization ?? ''}${request.headers['x-api-key'] ?? ''}`);
    expect(sentKeys.some((header) => header.includes(OPENAI_KEY))).toBe(true);
    expect(sentKeys.some((header) => header.includes(ANTHROPIC_KEY))).toBe(true);
  });

  test('a recorded run replayed into a fresh copy of the org writes byte-identical messages, with no network and no keys', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'lemming-replayed-'));
    cpSync(pristine, fresh, { recursive: true });
    rmSync(join(fresh, '.env'));
    const before = server.requests.length;
    const replayed = await lemming(fresh, ['run', '--replay', cassette]);
    expect(replayed.stderr).toBe('');
    expect(replayed.code).toBe(0);
    expect(server.requests.length).toBe(before);
    const original = outboxes(recorded);
    const copy = outboxes(fresh);
    expect([...copy.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [path, content] of original) expect(copy.get(path)?.equals(content), path).toBe(true);
    expect(readFileSync(join(fresh, 'agents/manager/logs/activity.jsonl'), 'utf8')).toBe(readFileSync(join(recorded, 'agents/manager/logs/activity.jsonl'), 'utf8'));
    rmSync(fresh, { recursive: true, force: true });
  });

  test('a replay that meets a request the cassette does not hold fails loudly: agent, turn and what changed', async () => {
    const changed = mkdtempSync(join(tmpdir(), 'lemming-changed-'));
    cpSync(pristine, changed, { recursive: true });
    const human = join(changed, 'agents/human/outbox/000000-001-manager.md');
    writeFileSync(human, readFileSync(human, 'utf8').replace('Write release notes for 1.2', 'Write release notes for 1.3'));
    const replayed = await lemming(changed, ['run', '--replay', cassette]);
    expect(replayed.code).toBe(1);
    expect(replayed.stderr).toContain(`lemming: --replay ${cassette} has no answer for manager's call in turn 1 (model primary)`);
    expect(replayed.stderr).toMatch(/- recorded: .*Write release notes for 1\.2/);
    expect(replayed.stderr).toMatch(/\+ now: +.*Write release notes for 1\.3/);
    expect(outboxes(changed).size).toBe(1);
    rmSync(changed, { recursive: true, force: true });
  });

  test('a missing key is one error naming the variable and the agents, before any turn or request', async () => {
    const keyless = mkdtempSync(join(tmpdir(), 'lemming-keyless-'));
    cpSync(pristine, keyless, { recursive: true });
    const before = server.requests.length;
    const result = await lemming(keyless, ['run']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'lemming: E2E_OPENAI_KEY is not set (needed by manager for org/org.yaml models primary). ' +
        'Set it in the environment or in a .env file in the org root (a line like E2E_OPENAI_KEY=...), or give those agents another model.',
    );
    expect(result.stdout).toBe('');
    expect(server.requests.length).toBe(before);
    expect(existsSync(join(keyless, 'org/state/engine.json'))).toBe(false);
    rmSync(keyless, { recursive: true, force: true });
  });

  test('--record and --replay cannot be used together; a missing cassette is named', async () => {
    const both = await lemming(pristine, ['run', '--record', 'a.jsonl', '--replay', 'b.jsonl']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/cannot be used with/);
    const missing = await lemming(pristine, ['run-once', '--replay', join(cassetteDirectory, 'none.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/none\.jsonl: there is no such file/);
  });
});
