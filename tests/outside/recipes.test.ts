import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { CLI, lemming } from '../helpers/cli.js';
import { REPO_ROOT, tempDir } from '../helpers/org-files.js';
import { pageContaining } from '../helpers/docs.js';
import { outsideOrg, sendBlock } from './outside-org.js';

/** The docs' recipes (section "Recipes" of the outside agents' guide): each YAML block under `models:`, by key. */
function recipes(): Record<string, { command: string; args: string[]; env?: string[] } & Record<string, unknown>> {
  const page = pageContaining('\n## Recipes\n').text;
  const section = page.slice(page.indexOf('\n## Recipes\n'), page.indexOf('\n## A worked example'));
  const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => parse(match[1] ?? '') as Record<string, never>);
  return Object.assign({}, ...blocks);
}

/** The flags (`-x`, `--long`) a recorded help text shows. */
function helpFlags(file: string): Set<string> {
  const help = readFileSync(join(REPO_ROOT, 'tests', 'fixtures', 'recipes', file), 'utf8');
  return new Set([...help.matchAll(/(?:^|[\s,])(--?[A-Za-z][\w-]*)/gm)].map((match) => match[1] ?? ''));
}

describe("the recipes' command lines", () => {
  test('every flag the Claude Code recipe gives appears in `claude --help`, and it saves no session', () => {
    const recipe = recipes()['claude-code'];
    expect(recipe?.command).toBe('claude');
    const flags = (recipe?.args ?? []).filter((word) => word.startsWith('-'));
    const known = helpFlags('claude-help.txt');
    expect(flags.filter((flag) => !known.has(flag))).toEqual([]);
    expect(flags).toEqual(expect.arrayContaining(['-p', '--output-format', '--no-session-persistence']));
  });

  test('every flag the Codex recipe gives appears in `codex exec --help`, and it saves no session', () => {
    const recipe = recipes().codex;
    expect(recipe?.command).toBe('codex');
    expect(recipe?.args[0]).toBe('exec');
    const flags = (recipe?.args ?? []).filter((word) => word.startsWith('-') && word !== '-');
    const known = helpFlags('codex-exec-help.txt');
    expect(flags.filter((flag) => !known.has(flag))).toEqual([]);
    expect(flags).toEqual(expect.arrayContaining(['--skip-git-repo-check', '--ephemeral']));
    // The prompt comes on stdin.
    expect(recipe?.args.at(-1)).toBe('-');
  });
});

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A local model server: every POST answers `text`, and what it was sent is kept. */
async function modelServer(text: string): Promise<{ url: string; paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((request, response) => {
    paths.push(request.url ?? '');
    request.resume();
    request.on('end', () => response.end(JSON.stringify({ text })));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths };
}

/** `lemming run --plain` without blocking this process (the model server lives in it). */
function runLemming(root: string, env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, '--root', root, 'run', '--plain'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

interface Seen {
  which: string;
  args: string[];
  env: Record<string, string>;
  stdin: string;
}

/**
 * Seat the stand-in for `program` under the README recipe `key`, exactly as written (its command
 * found on PATH, its args, its env:), with a local model server behind a proxy setting, and run.
 */
async function seat(key: string, program: 'claude' | 'codex', passModelEnv?: boolean) {
  const recipe = { ...recipes()[key] } as Record<string, unknown>;
  if (passModelEnv !== undefined) recipe.pass_model_env = passModelEnv;
  const bin = tempDir('lemming-recipe-bin-');
  const log = join(bin, 'calls.jsonl');
  writeFileSync(join(bin, program), `#!/bin/sh\nFAKE_CLI_LOG="${log}" exec "${process.execPath}" "${join(REPO_ROOT, 'tests', 'fixtures', 'agents', 'fake-vendor-cli.mjs')}" ${program} "$@"\n`);
  chmodSync(join(bin, program), 0o755);
  const server = await modelServer(sendBlock('human', 'The release plan is ready.', 'Re: the plan'));
  const org = outsideOrg(recipe);
  expect(lemming(org.root, ['send', 'manager', 'Plan the release.']).status).toBe(0);
  const baseVariable = program === 'claude' ? 'ANTHROPIC_BASE_URL' : 'OPENAI_BASE_URL';
  const env: Record<string, string> = {
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? '/root',
    NO_COLOR: '1',
    [baseVariable]: program === 'claude' ? server.url : `${server.url}/v1`,
    HTTPS_PROXY: 'http://proxy-user:proxy-password-123@proxy.example:3128',
    NO_PROXY: '127.0.0.1,localhost',
    SSL_CERT_FILE: '/etc/ssl/certs/ca-certificates.crt',
    ANTHROPIC_API_KEY: 'sk-ant-not-listed-0123456789',
  };
  if (program === 'codex') env.OPENAI_API_KEY = 'sk-openai-listed-0123456789';
  const run = await runLemming(org.root, env);
  const seen = existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Seen)
    : [];
  const outbox = join(org.root, 'agents', 'manager', 'outbox');
  const answers = (existsSync(outbox) ? readdirSync(outbox) : []).map((name) => readFileSync(join(outbox, name), 'utf8'));
  return { run, seen, server, answers, env, recipe };
}

describe('each recipe, seated as written, reaches a local model server and answers', () => {
  test('Claude Code: ANTHROPIC_BASE_URL and the proxy settings reach it without env:, and its answer is delivered and charged', async () => {
    const { run, seen, server, answers, env } = await seat('claude-code', 'claude');
    expect(run.stderr).toBe('');
    expect(seen).toHaveLength(1);
    const call = seen[0] as Seen;
    expect(call.args).toEqual(recipes()['claude-code']?.args);
    expect(call.env.ANTHROPIC_BASE_URL).toBe(env.ANTHROPIC_BASE_URL);
    expect(call.env.HTTPS_PROXY).toBe(env.HTTPS_PROXY);
    expect(call.env.NO_PROXY).toBe('127.0.0.1,localhost');
    expect(call.env.SSL_CERT_FILE).toBe('/etc/ssl/certs/ca-certificates.crt');
    // The recipe lists ANTHROPIC_API_KEY in env:, so the key the person set is handed on.
    expect(call.env.ANTHROPIC_API_KEY).toBe(env.ANTHROPIC_API_KEY);
    expect(call.stdin).toContain('Plan the release.');
    expect(server.paths).toEqual(['/v1/messages']);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toContain('The release plan is ready.');
    // claude's usage (1,000 + 12,000 cached in, 30 out) is charged as reported, not estimated.
    expect(answers[0]).toMatch(/usage: \{ input_tokens: 13000, output_tokens: 30, cached_input_tokens: 12000, credits: [0-9.]+ \}/);
  });

  test('Codex: OPENAI_BASE_URL and the proxy settings reach it, an unlisted key does not, and its answer is delivered', async () => {
    const { run, seen, server, answers, env } = await seat('codex', 'codex');
    expect(run.stderr).toBe('');
    expect(seen).toHaveLength(1);
    const call = seen[0] as Seen;
    expect(call.args).toEqual(recipes().codex?.args);
    expect(call.env.OPENAI_BASE_URL).toBe(env.OPENAI_BASE_URL);
    expect(call.env.HTTPS_PROXY).toBe(env.HTTPS_PROXY);
    expect(call.env.OPENAI_API_KEY).toBe(env.OPENAI_API_KEY);
    // A key the recipe does not list stays with lemming.
    expect(call.env.ANTHROPIC_API_KEY).toBeUndefined();
    expect(server.paths).toEqual(['/v1/responses']);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toContain('The release plan is ready.');
    // The proxy's password is a secret from now on: cut wherever it would be written.
    expect(answers.join('\n')).not.toContain('proxy-password-123');
  });

  test('pass_model_env: false keeps the base URL and the proxy out: the program cannot find its model, and says so', async () => {
    const { run, seen, answers } = await seat('codex', 'codex', false);
    expect(seen.length).toBeGreaterThanOrEqual(1);
    for (const call of seen) {
      expect(call.env.OPENAI_BASE_URL).toBeUndefined();
      expect(call.env.HTTPS_PROXY).toBeUndefined();
      expect(call.env.SSL_CERT_FILE).toBeUndefined();
    }
    expect(answers).toHaveLength(0);
    expect(`${run.stdout}${run.stderr}`).toContain('OPENAI_BASE_URL is not set');
  });
});
