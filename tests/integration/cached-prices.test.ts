import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { orgStatus } from '../../src/engine/human/org-status.js';
import type { LedgerEntry } from '../../src/engine/money/ledger.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { createProviderFactory } from '../../src/providers/create-provider.js';
import { LedgerTail } from '../../src/web/views/ledger-tail.js';
import { checkInvariants } from '../faults/invariants.js';
import { humanSends, read, runEngine, tempDir, write } from '../helpers/temp-org.js';
import { anthropicMessage, chatCompletion } from '../helpers/vendor-bodies.js';
import { startWireServer, type WireServer } from '../helpers/wire-server.js';
import { learnedFor } from '../helpers/learned-ratios.js';

const KEYS = { CACHE_OPENAI_KEY: 'sk-test-cache-openai-1a2b3c4d', CACHE_ANTHROPIC_KEY: 'sk-ant-test-cache-5e6f7a8b' };

/**
 * The manager on an OpenAI model, the coder on an Anthropic one, both at a local server.
 * The prices are credits per million tokens; `cached` adds the cached-token prices.
 */
function cachingOrg(serverUrl: string, cached: boolean): string {
  const root = tempDir('lemming-cached-');
  write(
    root,
    'org/org.yaml',
    `name: cached
engine: { max_turns: 10, concurrency: 2 }
models:
  gpt:
    provider: openai
    model: gpt-test
    base_url: ${serverUrl}/v1
    api_key_env: CACHE_OPENAI_KEY
    input_price: 2.5
${cached ? '    cached_input_price: 1.25\n' : ''}    output_price: 10
    context_window: 32000
  claude:
    provider: anthropic
    model: claude-test
    base_url: ${serverUrl}
    api_key_env: CACHE_ANTHROPIC_KEY
    input_price: 3
${cached ? '    cached_input_price: 0.3\n    cache_write_price: 3.75\n' : ''}    output_price: 15
    context_window: 32000
`,
  );
  write(
    root,
    'org/chart.yaml',
    `agents:
  human: { reports_to: null, send_to: [manager], read_from: ["*"] }
  manager: { reports_to: human, send_to: [human, coder], read_from: ["*"] }
  coder: { reports_to: manager, send_to: [manager], read_from: [manager] }
`,
  );
  write(root, 'agents/human/resume.md', '---\ntitle: The person\nmodel: human\n---\nThe person.\n');
  write(root, 'agents/manager/resume.md', '---\ntitle: Manager\nmodel: gpt\ncredits: 1\n---\nHand work to the coder; report to the human.\n');
  write(root, 'agents/coder/resume.md', '---\ntitle: Coder\nmodel: claude\ncredits: 1\n---\nDo the work; report to the manager.\n');
  return root;
}

type Charge = Extract<LedgerEntry, { type: 'charge' }>;

function charges(root: string): Charge[] {
  return read(root, 'org/state/ledger.jsonl')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as LedgerEntry)
    .filter((entry): entry is Charge => entry.type === 'charge');
}

function logLines(root: string, agent: string, event: string): Array<Record<string, unknown>> {
  return read(root, `agents/${agent}/logs/activity.jsonl`)
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.event === event);
}

/** Turn 1: the manager hands the work on (1,536 of its 2,000 prompt tokens cached); turn 2: the coder reports (Anthropic: 200 uncached, 1,800 read from the cache, 400 written to it); turn 3: the manager reports to the human, with nothing cached. */
async function runScenario(root: string): Promise<void> {
  humanSends(root, 'manager', 'Build the thing.');
  await runEngine(root, {}, { providerFactory: createProviderFactory({ root, env: KEYS }), clock: () => new Date('2026-01-01T00:00:00.000Z') });
}

describe('cached input tokens are priced at their own prices', () => {
  let server: WireServer;
  beforeAll(async () => {
    let managerCalls = 0;
    server = await startWireServer((request) => {
      if (request.path === '/v1/messages') {
        return {
          body: anthropicMessage({
            toolUses: [{ name: 'send_message', arguments: { to: 'manager', body: 'Built.' } }],
            usage: { input_tokens: 200, cache_read_input_tokens: 1800, cache_creation_input_tokens: 400, output_tokens: 80 },
          }),
        };
      }
      managerCalls += 1;
      const first = managerCalls % 2 === 1;
      return {
        body: chatCompletion({
          toolCalls: [{ name: 'send_message', arguments: first ? { to: 'coder', body: 'Build it.' } : { to: 'human', body: 'It is built.' } }],
          usage: { prompt_tokens: 2000, completion_tokens: 100, prompt_tokens_details: { cached_tokens: first ? 1536 : 0 } },
        }),
      };
    });
  });
  afterAll(() => server.close());

  test('the ledger, the log, the messages, status and the dashboard carry the split, and the credits are each part at its price', async () => {
    const root = cachingOrg(server.url, true);
    await runScenario(root);

    const [handOff, report, toHuman] = charges(root);
    // gpt: 464 uncached × 2.5 + 1,536 cached × 1.25 + 100 out × 10 = 1,160 + 1,920 + 1,000 = 4,080 per million.
    expect(handOff).toMatchObject({ turn: 1, agent: 'manager', input_tokens: 2000, cached_input_tokens: 1536, output_tokens: 100, credits: 0.00408 });
    expect(handOff?.cache_write_tokens).toBeUndefined();
    // claude: 200 × 3 + 1,800 read × 0.3 + 400 written × 3.75 + 80 out × 15 = 600 + 540 + 1,500 + 1,200 = 3,840 per million.
    expect(report).toMatchObject({ turn: 2, agent: 'coder', input_tokens: 2400, cached_input_tokens: 1800, cache_write_tokens: 400, output_tokens: 80, credits: 0.00384 });
    // Nothing cached: the line is as it was before caching was counted, 2,000 × 2.5 + 100 × 10 = 6,000 per million.
    expect(Object.keys(toHuman ?? {})).toEqual(['type', 'turn', 'agent', 'model', 'input_tokens', 'output_tokens', 'credits', 'at']);
    expect(toHuman?.credits).toBe(0.006);

    expect(read(root, 'agents/manager/outbox/000001-001-coder.md')).toMatch(/^usage: \{ input_tokens: 2000, output_tokens: 100, cached_input_tokens: 1536, credits: 0\.00408 \}$/m);
    expect(read(root, 'agents/coder/outbox/000002-001-manager.md')).toMatch(
      /^usage: \{ input_tokens: 2400, output_tokens: 80, cached_input_tokens: 1800, cache_write_tokens: 400, credits: 0\.00384 \}$/m,
    );
    expect(read(root, 'agents/manager/outbox/000003-001-human.md')).toMatch(/^usage: \{ input_tokens: 2000, output_tokens: 100, credits: 0\.006 \}$/m);

    for (const event of ['called', 'charged']) {
      expect(logLines(root, 'coder', event)).toMatchObject([{ turn: 2, inputTokens: 2400, cachedInputTokens: 1800, cacheWriteTokens: 400, outputTokens: 80, credits: 0.00384 }]);
    }

    const status = orgStatus(loadOrg(root).org).agents;
    expect(status.find((agent) => agent.name === 'manager')).toMatchObject({ spent: 0.01008, inputTokens: 4000, cachedInputTokens: 1536, outputTokens: 200 });
    expect(status.find((agent) => agent.name === 'coder')).toMatchObject({ spent: 0.00384, inputTokens: 2400, cachedInputTokens: 1800, cacheWriteTokens: 400 });
    expect(new LedgerTail(root).spendByTurn()).toMatchObject([
      { turn: 1, inputTokens: 2000, cachedInputTokens: 1536 },
      { turn: 2, inputTokens: 2400, cachedInputTokens: 1800, cacheWriteTokens: 400 },
      { turn: 3, inputTokens: 2000 },
    ]);
    // Context sizing learns from every prompt token, cached or not, for both vendors alike.
    expect(learnedFor(root, 'gpt')).toMatchObject({ tokens: 4000 });
    expect(learnedFor(root, 'claude')).toMatchObject({ tokens: 2400 });
    expect(checkInvariants(root, { secrets: Object.values(KEYS) })).toEqual([]);
  });

  test('a registry without cached prices charges cached tokens at the input price, and still records the split', async () => {
    const root = cachingOrg(server.url, false);
    await runScenario(root);
    const [handOff, report] = charges(root);
    // gpt: 2,000 × 2.5 + 100 × 10; claude: 2,400 × 3 + 80 × 15: what the call cost before cached prices existed.
    expect(handOff).toMatchObject({ input_tokens: 2000, cached_input_tokens: 1536, credits: 0.006 });
    expect(report).toMatchObject({ input_tokens: 2400, cached_input_tokens: 1800, cache_write_tokens: 400, credits: 0.0084 });
    expect(checkInvariants(root, { secrets: Object.values(KEYS) })).toEqual([]);
  });

  test('the invariant checker notices a log or a message whose split differs from the ledger', async () => {
    const root = cachingOrg(server.url, true);
    await runScenario(root);
    const log = join(root, 'agents/coder/logs/activity.jsonl');
    writeFileSync(log, readFileSync(log, 'utf8').replace(/("event":"charged".*)"cacheWriteTokens":400/, '$1"cacheWriteTokens":40'));
    const message = join(root, 'agents/manager/outbox/000001-001-coder.md');
    writeFileSync(message, readFileSync(message, 'utf8').replace('cached_input_tokens: 1536', 'cached_input_tokens: 1500'));
    expect(checkInvariants(root, { secrets: Object.values(KEYS) })).toEqual([
      'agents/coder/logs: the charge in turn 2 differs from the ledger\'s',
      'agents/manager/outbox/000001-001-coder.md: its usage differs from the ledger\'s charge for turn 1',
    ]);
  });
});
