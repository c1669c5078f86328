import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { estimateCallCost } from '../../src/engine/money/charge.js';
import { endpointOf } from '../../src/engine/record/token-ratios-file.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import type { ModelEntry } from '../../src/org/schema.js';
import { ANSWER_TOO_LARGE_CODE, ProviderError } from '../../src/providers/provider-error.js';
import { estimateInputTokens } from '../../src/providers/request-tokens.js';
import { UsageGate } from '../../src/providers/usage-gate.js';
import { ScriptedProvider } from '../helpers/scripted-provider.js';
import { defaultOrg, humanSends, runEngine, write } from '../helpers/temp-org.js';

/*
 * An answer refused unread (past 16 MiB) is charged at what its call was reserved at: the prompt's
 * tokens as lemming counts them, times the ratio its entry's server taught (org/state/token-ratios.json),
 * and the output cap, the same tokens and credits the plan reserved before the call
 * (money/charge.ts, estimateCallCost). Before, the ratio was left out: an entry whose server counts
 * twice lemming's estimate was reserved at twice the prompt and charged at once the prompt.
 */

describe('an answer refused unread, from a server that taught a ratio', () => {
  test('is charged at the tokens and credits its call was reserved at, the learned ratio included', async () => {
    const root = defaultOrg();
    const entry = loadOrg(root).org.models.offline as ModelEntry;
    // Its server counted twice lemming's estimate of its prompts.
    write(root, 'org/state/token-ratios.json', `${JSON.stringify({ version: 2, turn: 0, endpoints: { [endpointOf(entry)]: { characters: 40000, tokens: 20000, estimated: 10000 } } })}\n`);
    humanSends(root, 'manager', 'Plan the release.');
    const model = new ScriptedProvider((request) => new ProviderError(`${request.modelKey}: the answer was longer than 16 MiB, so lemming read no further`, { retryable: false, code: ANSWER_TOO_LARGE_CODE }));
    await runEngine(root, { maxTurns: 1, stopWhenIdle: false }, { providerFactory: (modelKey: string, given: ModelEntry) => new UsageGate(model, modelKey, given) });
    const asked = model.requests[0];
    if (!asked) throw new Error('the model was not asked');
    const lines = readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { agent: string; input_tokens: number; output_tokens: number; credits: number; estimated?: boolean });
    const charged = lines.filter((line) => line.agent === 'manager');
    expect(charged).toHaveLength(1);
    expect(charged[0]).toMatchObject({ input_tokens: Math.ceil(estimateInputTokens(asked) * 2), estimated: true, credits: estimateCallCost(asked, entry, 2) });
  });
});
