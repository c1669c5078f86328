import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCachingServer, type CachingServer } from './caching-server.js';
import { commonPrefix } from './common-prefix.js';

/**
 * What prompt caching saves: the same org run twice against the caching server
 * (bench/caching-server.ts), once with lemming's cache marks and once with `prompt_cache: false`,
 * each agent passing work round a ring so every agent is called every turn. Its agents' resumes
 * hold about 4,000 tokens of unchanging instructions. Run by `npm run bench` (the prompt-cache
 * section) in a process of its own, and by tests/integration/prompt-cache-credits.test.ts.
 */
export interface CacheStudy {
  agents: number;
  turns: number;
  /** Credits the org spent with cache marks, and without. */
  creditsWith: number;
  creditsWithout: number;
  /** creditsWith / creditsWithout. */
  ratio: number;
  /** Per agent, the mean share of a call's prompt (in characters) that repeats its previous call's byte for byte. */
  prefixStable: Record<string, number>;
  /** Tokens over every call with marks: read from the cache, written to it, neither. */
  tokens: { read: number; written: number; uncached: number };
}

/** The stand-in for a long resume: distinct per agent, about `tokens` tokens (4 characters each). */
function handbook(agent: string, tokens: number): string {
  const lines: string[] = [];
  for (let index = 1; lines.join('\n').length < tokens * 4; index += 1) {
    lines.push(
      `${index}. ${agent} keeps rule ${index}: read the whole message before acting, answer the question asked, name the files you changed, and pass the work on with what the next person needs to know.`,
    );
  }
  return lines.join('\n');
}

function writeOrg(root: string, url: string, names: readonly string[], marks: boolean, turns: number): void {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'org'), { recursive: true });
  writeFileSync(
    join(root, 'org', 'org.yaml'),
    [
      'name: prompt-cache',
      'engine:',
      `  max_turns: ${turns}`,
      'models:',
      '  claude:',
      '    provider: anthropic',
      '    model: cache-rules',
      `    base_url: ${url}`,
      '    api_key_env: LEMMING_BENCH_KEY',
      '    input_price: 3',
      '    cached_input_price: 0.3',
      '    cache_write_price: 3.75',
      '    output_price: 15',
      '    context_window: 200000',
      ...(marks ? [] : ['    prompt_cache: false']),
      '',
    ].join('\n'),
  );
  const ring = (index: number): string => names[(index + 1) % names.length] as string;
  writeFileSync(
    join(root, 'org', 'chart.yaml'),
    [
      'agents:',
      '  human:',
      '    reports_to: null',
      `    send_to: [${names.join(', ')}]`,
      '    read_from: ["*"]',
      ...names.flatMap((name, index) => [`  ${name}:`, '    reports_to: human', `    send_to: [${ring(index)}]`, '    read_from: ["*"]']),
      '',
    ].join('\n'),
  );
  const resume = (name: string, front: string, body: string): void => {
    mkdirSync(join(root, 'agents', name), { recursive: true });
    writeFileSync(join(root, 'agents', name, 'resume.md'), `---\n${front}---\n${body}\n`);
  };
  resume('human', 'title: The person\nmodel: human\n', 'The person who asks.');
  for (const name of names) resume(name, 'title: Member of the ring\nmodel: claude\ncredits: 100\n', handbook(name, 4_000));
}

function lemming(cli: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LEMMING_BENCH_KEY: 'bench-key' } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`lemming ${args.join(' ')} exited ${code}: ${stderr}`))));
  });
}

function spent(cli: string, root: string): number {
  const result = spawnSync(process.execPath, [cli, 'status', '--json', '--root', root], { encoding: 'utf8' });
  const status = JSON.parse(result.stdout) as { agents: Array<{ name: string; spent?: number; credits?: { spent?: number } }> };
  return status.agents.reduce((sum, agent) => sum + (agent.spent ?? agent.credits?.spent ?? 0), 0);
}

async function runOrg(cli: string, root: string, server: CachingServer, names: readonly string[], marks: boolean, turns: number): Promise<number> {
  writeOrg(root, server.url, names, marks, turns);
  for (const name of names) await lemming(cli, ['send', '--root', root, name, `Start the ring, ${name}: pass the work on.`]);
  await lemming(cli, ['run', '--root', root, '--plain', '--turns', String(turns)]);
  return spent(cli, root);
}

/** Run the study in `directory` with the built CLI at `cli`. */
export async function promptCacheStudy(directory: string, cli: string, options: { agents?: number; turns?: number } = {}): Promise<CacheStudy> {
  const agents = options.agents ?? 4;
  const turns = options.turns ?? 10;
  const names = Array.from({ length: agents }, (_, index) => `member_${index + 1}`);
  const next = new Map(names.map((name, index) => [name, names[(index + 1) % names.length] as string]));
  const withMarks = await startCachingServer(next);
  const withoutMarks = await startCachingServer(next);
  try {
    const creditsWith = await runOrg(cli, join(directory, 'with-marks'), withMarks, names, true, turns);
    const creditsWithout = await runOrg(cli, join(directory, 'without-marks'), withoutMarks, names, false, turns);
    const prefixStable: Record<string, number> = {};
    for (const name of names) {
      const prompts = withMarks.prompts.filter((prompt) => prompt.agent === name).map((prompt) => prompt.text);
      const shares = prompts.slice(1).map((text, index) => commonPrefix(text, prompts[index] as string) / text.length);
      prefixStable[name] = shares.length > 0 ? shares.reduce((sum, share) => sum + share, 0) / shares.length : 0;
    }
    const tokens = withMarks.calls.reduce((sum, call) => ({ read: sum.read + call.read, written: sum.written + call.written, uncached: sum.uncached + call.uncached }), { read: 0, written: 0, uncached: 0 });
    return { agents, turns, creditsWith, creditsWithout, ratio: creditsWith / creditsWithout, prefixStable, tokens };
  } finally {
    await withMarks.close();
    await withoutMarks.close();
  }
}

// Run as a script (the bench's section): print the study as one JSON line.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [directory, cli] = process.argv.slice(2) as [string, string];
  promptCacheStudy(directory, cli).then(
    (study) => process.stdout.write(`${JSON.stringify(study)}\n`),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
