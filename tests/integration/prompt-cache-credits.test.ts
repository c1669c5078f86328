import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { promptCacheStudy, type CacheStudy } from '../../bench/prompt-cache-study.js';
import { CLI } from '../helpers/cli.js';

const directory = mkdtempSync(join(tmpdir(), 'lemming-prompt-cache-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('prompt caching against a server that applies Anthropic\'s caching rules', () => {
  let study: CacheStudy;

  test('over 10 turns of 4 agents with about 4,000 tokens of unchanging prompt, the marks cut the credits charged to at most half', async () => {
    study = await promptCacheStudy(directory, CLI, { agents: 4, turns: 10 });
    // Every agent was called at both steps of every turn, in both orgs.
    expect(study.creditsWithout).toBeGreaterThan(0);
    expect(study.ratio).toBeLessThanOrEqual(0.5);
    // What was read from the cache is most of the prompt; a little was written each turn (the new mail).
    expect(study.tokens.read).toBeGreaterThan(study.tokens.written);
    expect(study.tokens.read).toBeGreaterThan(study.tokens.uncached);
  }, 240_000);

  test('each agent\'s calls repeat most of the previous call byte for byte (tools, rules, resume first)', () => {
    expect(Object.keys(study.prefixStable)).toHaveLength(4);
    for (const share of Object.values(study.prefixStable)) expect(share).toBeGreaterThan(0.9);
  });
});
