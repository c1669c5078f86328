import { liveProvider } from '../../providers/create-provider.js';
import { checkHealth, type EntryHealth } from '../../providers/health-check.js';
import { keyLookup } from '../../secrets/key-lookup.js';
import { orgForReading } from '../org-for-reading.js';
import type { Output } from '../cli-context.js';

/** One entry as a line: ok or FAIL, its key and provider, what was found, and the answer of a call. */
function healthLine(health: EntryHealth): string {
  const answer = health.answer
    ? `; answered in ${(health.answer.ms / 1000).toFixed(1)} s: ${JSON.stringify(health.answer.text)} (${health.answer.inputTokens} tokens in, ${health.answer.outputTokens} out${health.answer.estimated ? ', estimated' : ''})`
    : '';
  return `${health.ok ? 'ok  ' : 'FAIL'} ${health.modelKey} (${health.provider}, for ${health.agents.join(', ')}): ${health.findings.join('; ')}${answer}`;
}

/**
 * `lemming doctor`: whether each model the org's agents use can answer here: keys and headers set,
 * agent programs installed, servers reachable; with `--call`, one short real call each (not charged
 * to any agent). Exit 1 when any fails.
 */
export async function doctorCommand(root: string, options: { call?: boolean; json?: boolean }, output: Output): Promise<number> {
  const { org } = orgForReading(root, output);
  const lookup = keyLookup(root);
  const results = await checkHealth(org, { root, lookup, providerFor: (modelKey, entry) => liveProvider(modelKey, entry, lookup, { root }) }, { call: options.call === true });
  const failed = results.filter((result) => !result.ok).length;
  if (options.json) {
    output.out(JSON.stringify({ ok: failed === 0, models: results }, null, 2));
    return failed > 0 ? 1 : 0;
  }
  for (const result of results) output.out(healthLine(result));
  if (results.length === 0) output.out('no agent uses a model: there is nothing to check');
  const called = options.call ? '' : ' (add --call to ask each one a short question)';
  output.out(failed === 0 ? `every model answers here${called}` : `${failed} of ${results.length} model(s) cannot answer here`);
  return failed > 0 ? 1 : 0;
}
